// Watch settings (docs/feedback.md, "Who hears what"): what a user is told about a
// document or a topic. The choices are the desktop's (kmclient/ui/notify/watch_menu.py):
// someone who reads published versions only is offered "New versions, flags and
// comments" for both all_edits and digest, which mean the same to them. The server
// decides who may watch what and who hears what; the page only shows and asks.
import { h, toast } from './dom.js'
import { t, topicLabel } from './i18n.js'
import { icon } from './icons.js'

const DEFAULT = 'default' // `watch` with this level removes the setting

/** The menu's choices for a reader of published versions only, or for an editor. */
export function choices (reader) {
  const edits = reader ? ['digest'] : ['all_edits', 'digest']
  return [...edits, 'mentions_only', 'off', DEFAULT].map((level) => ({
    level,
    label: levelWord(level, reader),
    hint: level === DEFAULT ? null : t('watchHint_' + level + (reader && (level === 'digest' || level === 'off') ? 'Reader' : ''))
  }))
}

/** The words for a level as the menu says it (the reader's "digest" is new versions...). */
export function levelWord (level, reader, short = false) {
  const key = reader && (level === 'digest' || level === 'all_edits') ? 'reader' : level
  return t((short ? 'watchShort_' : 'watchLevel_') + key)
}

/** Whether this user reads the document's published versions only (the desktop's test:
 * no working copy), or, for a topic, is a rep (reps never see working copies). */
export function readsPublishedOnly (store, scope, key) {
  if (scope === 'topic') return store.user?.role === 'rep'
  const meta = store.docs.get(key)?.meta
  return Boolean(meta && !meta.working)
}

/** The user's own setting, as the server last said (null: none, defaults apply). */
export function storedLevel (store, scope, key) {
  const rec = store.records.get(`pref:${scope}:${key}`)
  return rec && !rec.deleted && rec.data.level ? rec.data.level : null
}

/** Every setting of the user's own: [{scope, key, level}]. */
export function ownSettings (store) {
  return store.recordsOf('pref').filter((r) => r.data.level).map((r) => ({ scope: r.data.scope, key: r.data.key, level: r.data.level }))
}

const TALKATIVE = ['all_edits', 'digest', 'mentions_only', 'off'] // most talkative first

/** What applies to a document without a setting of its own, in words: the most
 * talkative of its topics' settings, else the role's default (kmserver/feedback/routing.py).
 * Shown to explain "Default for my role"; the server decides. */
export function defaultWords (store, scope, key) {
  const user = store.user || { name: '', role: 'rep', topics: [] }
  const mine = new Set(user.topics || [])
  if (scope === 'topic') {
    if (user.role === 'supervisor') return t('watchDefault_supervisor')
    const own = user.role === 'owner' ? t('watchDefault_andOwnDocs') : '' // editors hear all of their own
    if (!mine.has(key)) return t('watchDefault_elsewhere') + own
    return t(user.role === 'rep' ? 'watchDefault_topicReader' : 'watchDefault_topic') + own
  }
  const meta = store.docs.get(key)?.meta
  if (!meta) return ''
  const reader = !meta.working
  const set = meta.topics.map((topic) => [topic, storedLevel(store, 'topic', topic)]).filter(([, level]) => level)
  if (set.length) {
    const [topic, level] = set.sort((a, b) => TALKATIVE.indexOf(a[1]) - TALKATIVE.indexOf(b[1]))[0]
    return t('watchDefault_fromTopic', { level: levelWord(level, reader).toLowerCase(), topic: topicLabel(topic) })
  }
  if (meta.owner === user.name || (meta.editors || []).includes(user.name)) return t('watchDefault_editor')
  if (user.role === 'supervisor') return t('watchDefault_supervisor')
  if (meta.topics.some((topic) => mine.has(topic))) return t(reader ? 'watchDefault_topicReader' : 'watchDefault_topic')
  return t('watchDefault_elsewhere')
}

/** The page's watch settings: the stored ones, the ones asked for and not answered yet,
 * and a 'change' event for every control showing them. */
export class Watches extends EventTarget {
  constructor (app) {
    super()
    this.app = app
    this.pending = new Map() // `${scope}:${key}` -> {level, seq}: asked, not yet seen back
    app.store.addEventListener('record', (ev) => {
      const rec = ev.detail.record
      if (rec.kind !== 'pref') return
      const wait = this.pending.get(rec.id)
      if (wait && wait.seq !== null && rec.seq >= wait.seq) this.pending.delete(rec.id)
      this.changed()
    })
  }

  changed () { this.dispatchEvent(new CustomEvent('change')) }

  /** The level to show: the one asked for while it is on its way, else the stored one. */
  level (scope, key) {
    const wait = this.pending.get(`${scope}:${key}`)
    if (wait) return wait.level === DEFAULT ? null : wait.level
    return storedLevel(this.app.store, scope, key)
  }

  isPending (scope, key) { return this.pending.has(`${scope}:${key}`) }

  set (scope, key, level) {
    const id = `${scope}:${key}`
    const store = this.app.store
    if ((storedLevel(store, scope, key) || DEFAULT) === level && !this.pending.has(id)) return
    const asked = { level, seq: null }
    this.pending.set(id, asked)
    this.changed()
    const reader = readsPublishedOnly(store, scope, key)
    const words = levelWord(level, reader).toLowerCase()
    this.app.conn.request({ type: 'watch', [scope]: key, level }).then((reply) => {
      if (this.pending.get(id) !== asked) return // chosen again since
      const rec = store.records.get(`pref:${id}`)
      // The record may come before or after this answer: show the choice until it is here.
      if (!reply.seq || (rec && rec.seq >= reply.seq)) this.pending.delete(id)
      else asked.seq = reply.seq
      this.changed()
      toast(scope === 'doc' ? t('watchingDoc', { level: words }) : t('watchingTopic', { topic: topicLabel(key), level: words }))
    }, (err) => {
      if (this.pending.get(id) === asked) this.pending.delete(id)
      this.changed() // back to what the server holds
      toast(t('watchNotChanged', { msg: refusal(err) }), 'error')
    })
  }
}

/** Why the server said no, in the user's words when the page has them. */
function refusal (err) {
  if (err.code === 'rate_limited') return t('refused_rate_limited', { s: err.retry_after ?? '' })
  if (err.code === 'not_found') return t('refused_not_found')
  if (err.code === 'forbidden') return t('refused_forbidden')
  return err.message || err.code || ''
}

let openControl = null // the control whose menu is open (one at a time)

/** Close the open menu, if any (the shell is built again, or the session ends). */
export function closeWatchMenu () { if (openControl) openControl.close(false) }

/** A button saying the current level, with a menu of the levels (the menu-button
 * pattern: Enter, Space or ↓ open it; ↑↓ Home End move; Enter or Space choose;
 * Escape closes it and Tab leaves it). The same element lives across re-renders. */
export class WatchControl {
  /** ``compact``: the button says the level only (its label says the rest): the rows
   * of the watch screen, where the name is beside it and the must-read rule above. */
  constructor (app, scope, key, compact = false) {
    this.app = app
    this.compact = compact
    this.scope = scope
    this.key = key
    const base = `watch-${scope}-${key}`.replace(/[^\w-]/g, '_')
    this.menuId = `${base}-menu`
    this.button = h('button.watch-button', {
      type: 'button',
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      'aria-controls': this.menuId,
      dataset: { key: `watch:${scope}:${key}`, scope, watch: key },
      onclick: () => (this.isOpen ? this.close(true) : this.open()),
      onkeydown: (ev) => {
        if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') { ev.preventDefault(); this.open(ev.key === 'ArrowUp' ? 'last' : 'checked') }
      }
    })
    if (scope === 'doc') this.button.id = 'watch-doc'
    this.menu = h('div.watch-menu', { role: 'menu', id: this.menuId, hidden: true, onkeydown: (ev) => this.onKey(ev) })
    this.el = h('div.watch', {}, this.button, this.menu)
    this.update()
  }

  get isOpen () { return !this.menu.hidden }

  reader () { return readsPublishedOnly(this.app.store, this.scope, this.key) }

  title () {
    return this.scope === 'doc' ? t('watchDocMenu') : t('watchTopicMenu', { topic: topicLabel(this.key) })
  }

  update () {
    const watches = this.app.watches
    const level = watches.level(this.scope, this.key)
    const reader = this.reader()
    const pending = watches.isPending(this.scope, this.key)
    const offline = pending && !this.app.conn.online
    this.button.replaceChildren(icon('eye'),
      this.compact ? '' : h('span.watch-label', {}, t('watch'), ': '),
      h('span.watch-level', {}, levelWord(level || DEFAULT, reader, true)),
      ...(pending ? [h('span.watch-pending', {}, ' · ', offline ? t('watchUnsent') : t('watchSaving'))] : []))
    this.button.classList.toggle('own', Boolean(level))
    this.button.setAttribute('aria-busy', String(pending))
    this.button.title = this.title()
    // A compact button's name says what it is for, its visible words included.
    if (this.compact) this.button.setAttribute('aria-label', `${this.title()}: ${this.button.textContent}`)
    if (this.isOpen) this.fill()
  }

  fill () {
    const store = this.app.store
    const reader = this.reader()
    let shown = this.app.watches.level(this.scope, this.key) || DEFAULT
    if (reader && shown === 'all_edits') shown = 'digest' // the same to a reader
    const focused = this.menu.contains(document.activeElement) ? document.activeElement.dataset.level : null
    this.menu.setAttribute('aria-label', this.title())
    this.menu.replaceChildren(
      h('p.watch-title', { 'aria-hidden': 'true' }, this.title()),
      ...choices(reader).map(({ level, label, hint }) => h('button.watch-choice', {
        type: 'button',
        role: 'menuitemradio',
        tabindex: '-1',
        'aria-checked': String(level === shown),
        dataset: { level },
        onclick: () => this.choose(level)
      }, h('span.check', { 'aria-hidden': 'true' }, level === shown ? '✓' : ''),
      h('span.choice', {}, h('span.choice-label', {}, label),
        h('span.choice-hint', {}, level === DEFAULT ? t('watchDefaultNow', { what: defaultWords(store, this.scope, this.key) }) : hint)))),
      ...(this.compact ? [] : [h('p.watch-note', {}, icon('book'), t('mustReadAlways')),
        h('button.watch-more', { type: 'button', role: 'menuitem', tabindex: '-1', onclick: () => { this.close(false); this.app.panel.show('watch') } }, t('watchSettingsOpen'))]))
    if (focused) this.items().find((el) => el.dataset.level === focused)?.focus()
  }

  items () { return [...this.menu.querySelectorAll('[role=menuitemradio], [role=menuitem]')] }

  open (which = 'checked') {
    if (openControl && openControl !== this) openControl.close(false)
    openControl = this
    this.fill()
    this.menu.hidden = false
    this.button.setAttribute('aria-expanded', 'true')
    this.place()
    const items = this.items()
    const target = which === 'last' ? items[items.length - 1] : items.find((el) => el.getAttribute('aria-checked') === 'true') || items[0]
    target.focus()
    document.addEventListener('pointerdown', this.outside = (ev) => { if (!this.el.contains(ev.target)) this.close(false) }, true)
    window.addEventListener('resize', this.onResize = () => this.close(false))
    // The menu is placed by the window: when the column under it scrolls, it closes.
    document.addEventListener('scroll', this.onScroll = (ev) => { if (ev.target.contains?.(this.button)) this.close(false) }, true)
  }

  /** Below the button (above it when there is no room), inside the window. */
  place () {
    const margin = 8
    const b = this.button.getBoundingClientRect()
    const m = this.menu
    m.style.left = '0px'
    m.style.top = '0px'
    const width = m.offsetWidth
    const height = m.offsetHeight
    // Its left edge under the button's, or its right edge under the button's right one
    // when that leaves it inside the window; else as far in as it goes.
    const room = window.innerWidth - width - margin
    const left = Math.max(margin, b.left <= room ? b.left : Math.min(b.right - width, room))
    const below = b.bottom + 4
    const top = below + height <= window.innerHeight - margin || b.top - height - 4 < margin ? below : b.top - height - 4
    m.style.left = `${left}px`
    m.style.top = `${Math.max(margin, top)}px`
  }

  close (focusButton) {
    if (!this.isOpen) return
    this.menu.hidden = true
    this.button.setAttribute('aria-expanded', 'false')
    document.removeEventListener('pointerdown', this.outside, true)
    window.removeEventListener('resize', this.onResize)
    document.removeEventListener('scroll', this.onScroll, true)
    if (openControl === this) openControl = null
    if (focusButton) this.button.focus()
  }

  choose (level) {
    this.close(true)
    this.app.watches.set(this.scope, this.key, level)
  }

  onKey (ev) {
    const items = this.items()
    const at = items.indexOf(document.activeElement)
    const move = (i) => { ev.preventDefault(); items[(i + items.length) % items.length].focus() }
    if (ev.key === 'ArrowDown') move(at + 1)
    else if (ev.key === 'ArrowUp') move(at - 1)
    else if (ev.key === 'Home') move(0)
    else if (ev.key === 'End') move(items.length - 1)
    else if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); this.close(true) } else if (ev.key === 'Tab') this.close(true) // then Tab goes on from the button
    else if ((ev.key === 'Enter' || ev.key === ' ') && at >= 0) { ev.preventDefault(); items[at].click() }
  }
}

/** The watch screen in the side panel: every topic the user sees, every document with
 * a setting of its own, and the rule that must-reads always arrive. */
export function renderWatchScreen (app, el, close) {
  const store = app.store
  const user = store.user || { topics: [] }
  const mine = new Set(user.topics || [])
  const counts = new Map()
  for (const meta of store.visible()) for (const topic of meta.topics) counts.set(topic, (counts.get(topic) || 0) + 1)
  for (const topic of mine) if (!counts.has(topic)) counts.set(topic, 0)
  for (const s of ownSettings(store)) if (s.scope === 'topic' && !counts.has(s.key)) counts.set(s.key, 0)
  const topics = [...counts.keys()].sort((a, b) => (mine.has(b) - mine.has(a)) || topicLabel(a).localeCompare(topicLabel(b)))
  const controls = []
  const control = (scope, key) => {
    const c = new WatchControl(app, scope, key, true)
    if (scope === 'doc') c.button.removeAttribute('id') // #watch-doc is the open document's
    controls.push(c)
    return c.el
  }
  const topicRows = topics.map((topic) => h('li.watch-row', { dataset: { topic } },
    h('span.watch-what', {}, h('span.watch-name', {}, topicLabel(topic)),
      h('span.sub', {}, [t('docCount', { n: counts.get(topic) }), mine.has(topic) ? t('yourTopic') : null].filter(Boolean).join(' · '))),
    control('topic', topic)))
  const docs = ownSettings(store).filter((s) => s.scope === 'doc' && store.docs.get(s.key)?.meta)
    .map((s) => store.docs.get(s.key).meta).sort((a, b) => a.title.localeCompare(b.title))
  const docRows = docs.map((meta) => h('li.watch-row', { dataset: { doc: meta.id } },
    h('span.watch-what', {}, h('a.watch-name', { href: `#/doc/${encodeURIComponent(meta.id)}` }, meta.title),
      h('span.sub', {}, meta.topics.map(topicLabel).join(' · '))),
    control('doc', meta.id)))
  el.append(
    h('div.panel-head', {}, h('h2#watch-title', {}, t('watchSettings')), close),
    h('p.hint', {}, t('watchIntro')),
    h('p.watch-note.always', {}, icon('book'), t('mustReadAlways')),
    h('h3', {}, t('watchTopics')),
    topicRows.length ? h('ul.watch-list#watch-topics', { 'aria-label': t('watchTopics') }, topicRows) : h('p.muted', {}, t('noTopics')),
    h('h3', {}, t('watchDocs'), docs.length ? ` (${docs.length})` : ''),
    docRows.length ? h('ul.watch-list#watch-docs', { 'aria-label': t('watchDocs') }, docRows) : h('p.muted#watch-docs-none', {}, t('noDocWatches')))
  return controls
}

/** Which documents have a setting of their own (the screen's rows), to tell a change
 * that needs new rows from one that only changes what the controls say. */
export function docSettingKeys (store) {
  return ownSettings(store).filter((s) => s.scope === 'doc').map((s) => s.key).sort().join('\n')
}

export { DEFAULT }
