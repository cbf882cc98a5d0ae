// The web app's words in English and Swedish, as in the desktop app.
const TEXT = {
  en: {
    appName: 'Knowledge base',
    signInTitle: 'Sign in',
    user: 'User name',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signOut: 'Sign out',
    role_rep: 'rep', role_owner: 'content owner', role_supervisor: 'supervisor', role_admin: 'admin',
    unsentSignOut_one: '1 change has not reached the server yet. Sign out and drop it?',
    unsentSignOut_other: '{n} changes have not reached the server yet. Sign out and drop them?',
    wrongPassword: 'Wrong user name or password.',
    throttled: 'Too many failed sign-ins. Try again in {s} s.',
    noServer: 'The server cannot be reached.',
    sessionEnded: 'Your session ended; enter your password to go on.',
    search: 'Search (Ctrl+K)',
    myTopics: 'My topics',
    allTopics: 'All topics',
    showAll: 'Show all topics',
    showMine: 'Show my topics',
    noResults: 'Nothing matches “{q}”.',
    results_one: '1 result',
    results_other: '{n} results',
    online: 'Online',
    offline: 'Offline: showing what this page has; changes are sent when the connection is back',
    connecting: 'Connecting…',
    syncing: 'Updating…',
    unsent: '{n} unsent',
    verified: 'Verified {ago} by {who}',
    verifiedNobody: 'Verified {ago}',
    notVerified: 'Not verified yet',
    overdue: 'Review overdue since {date}',
    dueIn_one: 'Review due in 1 day',
    dueIn_other: 'Review due in {n} days',
    openFlags_one: '1 open flag',
    openFlags_other: '{n} open flags',
    published: 'Version {rev} · {date}',
    publishedBy: 'Version {rev} · {date} · {who}',
    draft: 'Draft: not published',
    justUpdated: 'new version, changes marked',
    flag: 'Flag',
    flagPassage: 'Flag passage',
    flagTitle: 'Flag this document',
    flagPassageTitle: 'Flag the selected passage',
    reason: 'Reason',
    outdated: 'Outdated', incorrect: 'Incorrect', unclear: 'Unclear', missing: 'Something missing', other: 'Other',
    note: 'What is wrong? (optional)',
    urgency: 'Urgency', low: 'Low', normal: 'Normal', high: 'High',
    send: 'Send',
    cancel: 'Cancel',
    flagSent: 'Flag sent to the owner.',
    flagQueued: 'Flag saved; it is sent when the connection is back.',
    comments: 'Comments',
    comment: 'Comment',
    addComment: 'Write a comment…',
    reply: 'Reply',
    notifications: 'Notifications',
    noNotifications: 'Nothing new.',
    markAllRead: 'Mark all read',
    edit: 'Edit',
    done: 'Done',
    publish: 'Publish',
    submit: 'Submit for review',
    publishNote: 'What changed? (shown to readers)',
    published_ok: 'Published version {rev}.',
    submitted: 'Submitted: a supervisor reviews it',
    nothingToPublish: 'Nothing to publish.',
    history: 'History',
    diff: 'What changed',
    compare: 'Compare with the previous version',
    restoreHint: 'Restore from the desktop app.',
    close: 'Close',
    back: 'Back',
    editing: 'Editing the working copy: readers see it when you publish.',
    unpublishedBy: 'Unpublished changes by {who}',
    theme: 'Theme', light: 'Light', dark: 'Dark', auto: 'Automatic',
    language: 'Språk: svenska',
    flags: 'Flags',
    flagState_open: 'open', flagState_acknowledged: 'acknowledged', flagState_resolved: 'resolved', flagState_dismissed: 'dismissed',
    passage: 'Passage',
    selectFirst: 'Select a passage in the text first, or flag the whole document.',
    mustRead: 'Must read',
    acknowledge: 'I have read it',
    acknowledged: 'Read and acknowledged',
    dueBy: 'due {date}',
    overdueSince: 'overdue since {date}',
    whatChangedSince: 'What changed since version {rev}',
    noMustReads: 'Nothing you must read.',
    version: 'Version {rev}',
    broadcasts: 'Announcements',
    hide: 'Hide',
    severity_info: 'Info:',
    severity_warning: 'Warning:',
    severity_critical: 'Critical:',
    keyboard: 'Ctrl+K search · ↑↓ move · Enter open · Esc back · Ctrl+Shift+F flag · Ctrl+Shift+M comments · Ctrl+Shift+N notifications · Ctrl+Shift+J next must-read · Ctrl+Shift+A I have read it',
    empty: 'Choose an article, or search with Ctrl+K.',
    gone: 'This document is no longer available to you.',
    helpCentre: 'Public help centre',
    you: 'you',
    // notifications (kmclient/ui/notify/phrasing.py; src/phrasing.js)
    n_someone: 'someone',
    n_aDocument: 'a document',
    n_editing: '{who} is editing {title}',
    n_editPublishedSince: '{who} changed {title} (published since)',
    n_editNotPublished: '{who} changed {title} (not published yet)',
    n_published: 'New version of {title}',
    n_mention: '{who} mentioned you on {title}',
    n_reply: '{who} replied on {title}',
    n_comment: '{who} commented on {title}',
    n_commentResolved: '{who} resolved your comment on {title}',
    n_reviewRequested: '{who} asks you to review {title}',
    n_reviewApproved: '{who} approved {title}: readers see version {rev} now',
    n_reviewSentBack: '{who} sent {title} back',
    n_mustReadReminder: 'Reminder: please read and acknowledge version {rev} of {title}',
    n_mustReadOverdue_one: '1 reader has not acknowledged version {rev} of {title} by its due time',
    n_mustReadOverdue_other: '{n} readers have not acknowledged version {rev} of {title} by its due time',
    n_reviewDue: '{title} is due for review: is it still right? Mark it as still correct, or publish a new version.',
    n_flagRaised: '{who} flagged {title} as {reason}',
    n_flagEscalated: 'A flag on {title} waits for an answer ({reason})',
    n_flagReopened: '{who} reopened the flag on {title}',
    n_flagAcknowledged: '{who} is looking into the flag on {title}',
    n_flagResolved: '{who} resolved the flag on {title}',
    n_flagDismissed: '{who} dismissed the flag on {title}',
    n_flagChanged: '{who} changed the flag on {title}',
    reasonWord_outdated: 'outdated', reasonWord_incorrect: 'incorrect', reasonWord_unclear: 'unclear', reasonWord_missing: 'missing information', reasonWord_other: 'other',
    status_draft: 'draft', status_archived: 'archived', status_published: 'published',
    error: 'Refused: {msg}'
  },
  sv: {
    appName: 'Kunskapsbanken',
    signInTitle: 'Logga in',
    user: 'Användarnamn',
    password: 'Lösenord',
    signIn: 'Logga in',
    signingIn: 'Loggar in…',
    signOut: 'Logga ut',
    role_rep: 'handläggare', role_owner: 'innehållsägare', role_supervisor: 'arbetsledare', role_admin: 'administratör',
    unsentSignOut_one: '1 ändring har inte nått servern än. Logga ut och släng den?',
    unsentSignOut_other: '{n} ändringar har inte nått servern än. Logga ut och släng dem?',
    wrongPassword: 'Fel användarnamn eller lösenord.',
    throttled: 'För många misslyckade inloggningar. Försök igen om {s} s.',
    noServer: 'Servern går inte att nå.',
    sessionEnded: 'Din session har upphört; ange ditt lösenord för att fortsätta.',
    search: 'Sök (Ctrl+K)',
    myTopics: 'Mina ämnen',
    allTopics: 'Alla ämnen',
    showAll: 'Visa alla ämnen',
    showMine: 'Visa mina ämnen',
    noResults: 'Inget matchar ”{q}”.',
    results_one: '1 träff',
    results_other: '{n} träffar',
    online: 'Ansluten',
    offline: 'Frånkopplad: visar det sidan har; ändringar skickas när anslutningen är tillbaka',
    connecting: 'Ansluter…',
    syncing: 'Uppdaterar…',
    unsent_one: '1 ej skickad',
    unsent_other: '{n} ej skickade',
    verified: 'Bekräftat {ago} av {who}',
    verifiedNobody: 'Bekräftat {ago}',
    notVerified: 'Inte bekräftat än',
    overdue: 'Översyn försenad sedan {date}',
    dueIn_one: 'Översyn om 1 dag',
    dueIn_other: 'Översyn om {n} dagar',
    openFlags_one: '1 öppen flagga',
    openFlags_other: '{n} öppna flaggor',
    published: 'Version {rev} · {date}',
    publishedBy: 'Version {rev} · {date} · {who}',
    draft: 'Utkast: inte publicerat',
    justUpdated: 'ny version, ändringarna markerade',
    flag: 'Flagga',
    flagPassage: 'Flagga stycke',
    flagTitle: 'Flagga dokumentet',
    flagPassageTitle: 'Flagga det markerade stycket',
    reason: 'Orsak',
    outdated: 'Inaktuellt', incorrect: 'Felaktigt', unclear: 'Otydligt', missing: 'Något saknas', other: 'Annat',
    note: 'Vad är fel? (valfritt)',
    urgency: 'Brådska', low: 'Låg', normal: 'Normal', high: 'Hög',
    send: 'Skicka',
    cancel: 'Avbryt',
    flagSent: 'Flaggan är skickad till ägaren.',
    flagQueued: 'Flaggan är sparad; den skickas när anslutningen är tillbaka.',
    comments: 'Kommentarer',
    comment: 'Kommentera',
    addComment: 'Skriv en kommentar…',
    reply: 'Svara',
    notifications: 'Aviseringar',
    noNotifications: 'Inget nytt.',
    markAllRead: 'Markera alla som lästa',
    edit: 'Redigera',
    done: 'Klar',
    publish: 'Publicera',
    submit: 'Skicka för granskning',
    publishNote: 'Vad har ändrats? (visas för läsarna)',
    published_ok: 'Version {rev} är publicerad.',
    submitted: 'Skickat: en arbetsledare granskar det',
    nothingToPublish: 'Inget att publicera.',
    history: 'Historik',
    diff: 'Vad som ändrats',
    compare: 'Jämför med föregående version',
    restoreHint: 'Återställ från skrivbordsappen.',
    close: 'Stäng',
    back: 'Tillbaka',
    editing: 'Du redigerar arbetskopian: läsarna ser den när du publicerar.',
    unpublishedBy: 'Opublicerade ändringar av {who}',
    theme: 'Tema', light: 'Ljust', dark: 'Mörkt', auto: 'Automatiskt',
    language: 'Language: English',
    flags: 'Flaggor',
    flagState_open: 'öppen', flagState_acknowledged: 'kvitterad', flagState_resolved: 'åtgärdad', flagState_dismissed: 'avfärdad',
    passage: 'Stycke',
    selectFirst: 'Markera ett stycke i texten först, eller flagga hela dokumentet.',
    mustRead: 'Måste läsas',
    acknowledge: 'Jag har läst detta',
    acknowledged: 'Läst och kvitterad',
    dueBy: 'senast {date}',
    overdueSince: 'försenad sedan {date}',
    whatChangedSince: 'Vad som ändrats sedan version {rev}',
    noMustReads: 'Inget du måste läsa.',
    version: 'Version {rev}',
    broadcasts: 'Driftmeddelanden',
    hide: 'Dölj',
    severity_info: 'Info:',
    severity_warning: 'Varning:',
    severity_critical: 'Kritiskt:',
    keyboard: 'Ctrl+K sök · ↑↓ flytta · Enter öppna · Esc tillbaka · Ctrl+Shift+F flagga · Ctrl+Shift+M kommentarer · Ctrl+Shift+N aviseringar · Ctrl+Shift+J nästa att läsa · Ctrl+Shift+A jag har läst detta',
    empty: 'Välj en artikel, eller sök med Ctrl+K.',
    gone: 'Dokumentet är inte längre tillgängligt för dig.',
    helpCentre: 'Offentligt hjälpcentrum',
    you: 'du',
    // aviseringar (kmclient/ui/notify/phrasing.py; src/phrasing.js)
    n_someone: 'någon',
    n_aDocument: 'ett dokument',
    n_editing: '{who} redigerar {title}',
    n_editPublishedSince: '{who} ändrade {title} (publicerat sedan dess)',
    n_editNotPublished: '{who} ändrade {title} (inte publicerat ännu)',
    n_published: 'Ny version av {title}',
    n_mention: '{who} nämnde dig i {title}',
    n_reply: '{who} svarade i {title}',
    n_comment: '{who} kommenterade {title}',
    n_commentResolved: '{who} löste din kommentar i {title}',
    n_reviewRequested: '{who} ber dig granska {title}',
    n_reviewApproved: '{who} godkände {title}: läsarna ser version {rev} nu',
    n_reviewSentBack: '{who} skickade tillbaka {title}',
    n_mustReadReminder: 'Påminnelse: läs och kvittera version {rev} av {title}',
    n_mustReadOverdue_one: '1 läsare har inte kvitterat version {rev} av {title} i tid',
    n_mustReadOverdue_other: '{n} läsare har inte kvitterat version {rev} av {title} i tid',
    n_reviewDue: '{title} ska ses över: stämmer det fortfarande? Markera som fortfarande korrekt eller publicera en ny version.',
    n_flagRaised: '{who} flaggade {title} som {reason}',
    n_flagEscalated: 'En flagga på {title} väntar på svar ({reason})',
    n_flagReopened: '{who} öppnade flaggan på {title} igen',
    n_flagAcknowledged: '{who} tittar på flaggan på {title}',
    n_flagResolved: '{who} åtgärdade flaggan på {title}',
    n_flagDismissed: '{who} avfärdade flaggan på {title}',
    n_flagChanged: '{who} ändrade flaggan på {title}',
    reasonWord_outdated: 'inaktuellt', reasonWord_incorrect: 'felaktigt', reasonWord_unclear: 'otydligt', reasonWord_missing: 'information saknas', reasonWord_other: 'annat',
    status_draft: 'utkast', status_archived: 'arkiverat', status_published: 'publicerat',
    error: 'Nekades: {msg}'
  }
}

export function initialLang () {
  const saved = localStorage.getItem('kmdesk.lang') || (document.cookie.match(/kmdesk_lang=(\w+)/) || [])[1]
  if (saved === 'sv' || saved === 'en') return saved
  return (navigator.language || 'en').toLowerCase().startsWith('sv') ? 'sv' : 'en'
}

let lang = initialLang()

export function getLang () { return lang }

export function setLang (value) {
  lang = value
  localStorage.setItem('kmdesk.lang', value)
  document.cookie = `kmdesk_lang=${value}; Path=/; Max-Age=31536000; SameSite=Lax`
  document.documentElement.lang = value
}

const plurals = {}

/** A word in the page's language; with a number ``n``, its singular or plural form
 * (``key_one``, ``key_other``: Intl.PluralRules, the same for English and Swedish). */
export function t (key, vars = {}) {
  const table = TEXT[lang] || TEXT.en
  if (typeof vars.n === 'number') {
    const rules = plurals[lang] || (plurals[lang] = new Intl.PluralRules(lang))
    const form = `${key}_${rules.select(vars.n)}`
    key = form in table ? form : `${key}_other` in table ? `${key}_other` : key
  }
  const s = table[key] || TEXT.en[key] || key
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ''))
}

export function fmtDate (iso) {
  if (!iso) return ''
  const d = new Date(iso)
  return d.toLocaleDateString(lang === 'sv' ? 'sv-SE' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
}

export function ago (iso) {
  if (!iso) return ''
  const days = Math.floor((Date.now() - new Date(iso).getTime()) / 86400000)
  const rtf = new Intl.RelativeTimeFormat(lang === 'sv' ? 'sv' : 'en', { numeric: 'auto' })
  if (days < 1) return rtf.format(0, 'day')
  if (days < 60) return rtf.format(-days, 'day')
  return rtf.format(-Math.round(days / 30), 'month')
}

export function topicLabel (topic) {
  const s = topic.replace(/[-_]/g, ' ')
  return s.charAt(0).toUpperCase() + s.slice(1)
}
