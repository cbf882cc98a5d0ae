// The right column: comments on the open document, notifications, must-reads, or
// the watch settings (watch.js).
import { h, clear, toast } from './dom.js'
import { icon } from './icons.js'
import { t, fmtDate } from './i18n.js'
import { mustReads } from './attention.js'
import { notificationText } from './phrasing.js'
import { renderWatchScreen, docSettingKeys } from './watch.js'

export class Panel {
  constructor (app, el) {
    this.app = app
    this.el = el
    this.mode = null
  }

  toggle (mode) {
    if (this.mode === mode && !this.el.hidden) { this.hide(); return }
    this.show(mode)
  }

  /** Open in ``mode`` (or stay open in it), the keyboard in it. */
  show (mode) {
    if (this.el.hidden) this.opener = document.activeElement
    this.mode = mode
    this.el.hidden = false
    this.render()
    // The comment field when there is one (querySelector('textarea, button') found the
    // close button first, in document order), else the panel's first button.
    const first = this.el.querySelector('#comment-body') || this.el.querySelector('.watch-button') || this.el.querySelector('button')
    if (first) first.focus()
  }

  hide (refocus = false) {
    for (const c of this.watchControls || []) c.close(false)
    const inside = this.el.contains(document.activeElement)
    this.el.hidden = true
    this.mode = null
    // Escape (or a close button) from inside: back to what opened the panel.
    if ((refocus || inside) && this.opener?.isConnected && this.opener.offsetParent !== null) this.opener.focus()
  }

  docChanged () { if (this.mode === 'comments') this.render() }

  /** A watch setting changed (here, on another device, or refused): new rows when the
   * documents with a setting changed, else only what the controls say (an open menu stays). */
  onWatch () {
    if (this.el.hidden || this.mode !== 'watch') return
    if (docSettingKeys(this.app.store) !== this.watchKeys) this.render()
    else for (const c of this.watchControls || []) c.update()
  }

  onRecord (rec, fresh) {
    if (fresh && rec.kind === 'notification' && !rec.data.read) toast(notificationText(this.app.store, rec))
    if (this.el.hidden) return
    if (this.mode === 'watch') return // onWatch
    const mine = this.mode === 'notifications'
      ? rec.kind === 'notification'
      : this.mode === 'mustread' ? rec.kind === 'must_read' || rec.kind === 'ack' : rec.kind === 'comment' && rec.doc === this.app.openId
    if (mine) this.render()
  }

  render () {
    // Re-rendering must not eat what someone is typing: keep drafts and focus.
    const drafts = new Map([...this.el.querySelectorAll('textarea')].map((el) => [el.dataset.key, el.value]))
    const focused = document.activeElement && this.el.contains(document.activeElement) ? document.activeElement.dataset.key : null
    clear(this.el)
    const close = h('button.close', { onclick: () => this.hide(), 'aria-label': t('close') }, '×')
    for (const c of this.watchControls || []) c.close(false)
    this.watchControls = []
    if (this.mode === 'notifications') this.renderNotifications(close)
    else if (this.mode === 'watch') {
      this.watchControls = renderWatchScreen(this.app, this.el, close)
      this.watchKeys = docSettingKeys(this.app.store)
    }
    else if (this.mode === 'mustread') this.renderMustReads(close)
    else this.renderComments(close)
    for (const [key, value] of drafts) {
      let box = this.el.querySelector(`textarea[data-key="${key}"]`)
      if (!box && value) { // an open reply box: open it again
        this.el.querySelector(`.comment[data-id="${key}"] .reply`)?.click()
        box = this.el.querySelector(`textarea[data-key="${key}"]`)
      }
      if (box) box.value = value
      if (box && key === focused) box.focus()
    }
    if (focused && !this.el.contains(document.activeElement)) this.el.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus()
  }

  renderNotifications (close) {
    const store = this.app.store
    const items = store.recordsOf('notification').sort((a, b) => b.seq - a.seq).slice(0, 100)
    const unread = items.filter((r) => !r.data.read).map((r) => r.id)
    const list = h('ul.notes#notifications')
    for (const n of items) {
      list.append(h('li', { class: n.data.read ? 'read' : 'unread' },
        h('a', { href: n.doc ? `#/doc/${encodeURIComponent(n.doc)}` : '#' }, notificationText(store, n)),
        h('span.sub', {}, fmtDate(n.data.created_at))))
    }
    this.el.append(h('div.panel-head', {}, h('h2', {}, t('notifications')), close),
      h('div.panel-actions', {},
        unread.length ? h('button#mark-read', { onclick: () => this.app.conn.request({ type: 'read', ids: unread.slice(0, 1000) }).catch(() => {}) }, t('markAllRead')) : null,
        h('button#open-watch-settings', { onclick: () => this.show('watch') }, icon('eye'), t('watchSettingsOpen'))),
      items.length ? list : h('p.muted', {}, t('noNotifications')))
  }

  renderMustReads (close) {
    const items = mustReads(this.app.store)
    const list = h('ul.notes#mustreads')
    for (const m of items) {
      const when = m.due ? ` · ${t(m.overdue ? 'overdueSince' : 'dueBy', { date: fmtDate(m.due.toISOString()) })}` : ''
      list.append(h('li', { class: m.acknowledged ? 'read' : 'unread' + (m.overdue ? ' overdue' : '') },
        h('a', { href: `#/doc/${encodeURIComponent(m.doc)}` }, m.title),
        h('span.sub', {}, `${t('version', { rev: m.rev })}${when}${m.acknowledged ? ' · ✓ ' + t('acknowledged') : ''}`),
        m.note ? h('span.sub', {}, m.note) : null))
    }
    this.el.append(h('div.panel-head', {}, h('h2', {}, t('mustRead')), close),
      items.length ? list : h('p.muted', {}, t('noMustReads')))
  }

  renderComments (close) {
    const id = this.app.openId
    this.el.append(h('div.panel-head', {}, h('h2', {}, t('comments')), close))
    if (!id) return
    const comments = this.app.store.recordsOf('comment', id).sort((a, b) => a.seq - b.seq)
    const roots = comments.filter((c) => !c.data.parent)
    const list = h('ul.comments#comment-list')
    for (const root of roots) {
      const replies = comments.filter((c) => c.data.thread === root.id && c.id !== root.id)
      list.append(h('li', {}, this.comment(root), replies.length ? h('ul', {}, replies.map((r) => h('li', {}, this.comment(r)))) : null))
    }
    this.el.append(list, this.form(id, null))
  }

  form (docId, parent) {
    const box = h('textarea', { rows: parent ? 2 : 3, maxlength: 20000, placeholder: parent ? t('reply') : t('addComment'), id: parent ? null : 'comment-body', dataset: { key: parent || 'new' } })
    return h('form.comment-form', {
      onsubmit: (ev) => {
        ev.preventDefault()
        const body = box.value.trim()
        if (!body) return
        const msg = { type: 'comment', doc: docId, body }
        if (parent) msg.parent = parent
        this.app.conn.request(msg).catch((err) => toast(t('error', { msg: err.message }), 'error'))
        box.value = ''
      }
    }, box, h('button.primary', { type: 'submit' }, parent ? t('reply') : t('comment')))
  }

  comment (c) {
    const reply = c.data.parent ? null : h('button.link.reply', {
      onclick: (ev) => { ev.currentTarget.replaceWith(this.form(c.doc, c.id)) }
    }, t('reply'))
    return h('div.comment', { dataset: { id: c.id } },
      h('p.by', {}, `${c.data.by} · ${fmtDate(c.data.created_at)}`),
      c.data.anchor && c.data.anchor.quote ? h('q', {}, c.data.anchor.quote) : null,
      h('p.body', {}, c.data.body), reply)
  }
}
