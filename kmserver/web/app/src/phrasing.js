// What a notification says, in the reader's language, from the record's event, actor
// and details (as kmclient/ui/notify/phrasing.py does on the desktop). The server's
// English summary (data.text) is kept for events this version does not know.
import { t } from './i18n.js'

function quoted (text, limit = 140) {
  const flat = String(text || '').split(/\s+/).filter(Boolean).join(' ')
  return flat.length <= limit ? flat : flat.slice(0, limit - 1).trimEnd() + '…'
}

function withExcerpt (text, excerpt) {
  const words = quoted(excerpt)
  return words ? `${text}: “${words}”` : text
}

export function notificationText (store, rec) {
  const data = rec.data || {}
  const d = data.detail || {}
  const who = data.actor || t('n_someone')
  const title = (rec.doc && store.docs.get(rec.doc)?.meta?.title) || rec.doc || t('n_aDocument')
  const rev = d.rev ?? '?'
  const vars = { who, title, rev }
  switch (data.event) {
    case 'edit': {
      if (d.ongoing) return t('n_editing', vars)
      const meta = rec.doc && store.docs.get(rec.doc)?.meta
      // Only an editor's view knows who has unpublished changes; a draft has no version.
      const since = meta && meta.working && meta.published && !(meta.unpublished_by || []).includes(data.actor)
      return t(since ? 'n_editPublishedSince' : 'n_editNotPublished', vars)
    }
    case 'published': {
      const text = t('n_published', vars)
      return d.note ? `${text}: ${quoted(d.note)}` : text
    }
    case 'flag_raised':
    case 'flag_escalated':
    case 'flag_state':
      return flagText(store, rec, vars)
    case 'mention': return withExcerpt(t('n_mention', vars), d.excerpt)
    case 'reply': return withExcerpt(t('n_reply', vars), d.excerpt)
    case 'comment': return withExcerpt(t('n_comment', vars), d.excerpt)
    case 'comment_resolved': return t('n_commentResolved', vars)
    case 'review_requested': return withExcerpt(t('n_reviewRequested', vars), d.note)
    case 'review_approved': return t('n_reviewApproved', vars)
    case 'review_sent_back': return withExcerpt(t('n_reviewSentBack', vars), d.note)
    case 'must_read_reminder': return t('n_mustReadReminder', vars)
    case 'must_read_overdue': return t('n_mustReadOverdue', { ...vars, n: Number(d.waiting) || 0 })
    case 'review_due': return t('n_reviewDue', vars)
    default: return data.text || ''
  }
}

function flagText (store, rec, vars) {
  const data = rec.data
  const d = data.detail || {}
  const ref = data.ref
  const flag = ref && ref.kind === 'flag' ? store.records.get(`flag:${ref.id}`) : null
  const f = flag ? flag.data : null
  const reason = t('reasonWord_' + (d.reason || (f && f.reason) || 'other'))
  if (data.event === 'flag_raised') return withExcerpt(t('n_flagRaised', { ...vars, reason }), f && f.note)
  if (data.event === 'flag_escalated') return withExcerpt(t('n_flagEscalated', { ...vars, reason }), f && f.note)
  const state = String(d.state || '')
  const key = { open: 'n_flagReopened', acknowledged: 'n_flagAcknowledged', resolved: 'n_flagResolved', dismissed: 'n_flagDismissed' }[state] || 'n_flagChanged'
  return withExcerpt(t(key, vars), f && f.state === state ? f.state_note : '')
}
