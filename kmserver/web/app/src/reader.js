// The middle column: the latest published revision, live, with the trust line,
// flags and the actions on it (flag, comments, history, edit).
import * as Y from 'yjs'
import { h, clear, toast } from './dom.js'
import { t, fmtDate, topicLabel } from './i18n.js'
import { renderInto, locatePassage } from './render.js'
import { trustParts } from './trust.js'
import { toBase64 } from './wire.js'
import { icon } from './icons.js'
import { mustReadOf } from './attention.js'
import { showDiffBetween } from './history.js'
import { showHistory } from './history.js'
import { WatchControl } from './watch.js'

const REASONS = ['outdated', 'incorrect', 'unclear', 'missing', 'other']

export class Reader {
  constructor (app, el) {
    this.app = app
    this.el = el
    this.id = null
    this.editor = null
  }

  get editing () { return this.editor !== null }

  empty () {
    this.id = null
    clear(this.el).append(h('div.empty', {}, h('p', {}, t('empty')), h('p.keys', {}, t('keyboard'))))
  }

  gone () {
    this.stopEditing()
    clear(this.el).append(h('div.empty', {}, h('p', {}, t('gone'))))
  }

  open (id) {
    if (this.editor) this.stopEditing()
    this.id = id
    this.justUpdated = false
    const meta = this.app.store.docs.get(id)?.meta
    if (!meta) { this.gone(); return }
    this.head = h('div.doc-head')
    this.banner = h('div.flag-banner', { hidden: true })
    this.mustBanner = h('div.mustread-banner', { hidden: true })
    if (this.watchCtl) this.watchCtl.close(false)
    this.watchCtl = new WatchControl(this.app, 'doc', id) // kept while the document is open
    this.article = h('article#article.prose', { lang: guessLang(this.app.store.text(id)) })
    this.body = h('div.doc-body', {}, this.article)
    clear(this.el).append(
      h('button.back', { onclick: () => this.app.closeDoc() }, '← ', t('back')),
      this.head, this.mustBanner, this.banner, this.body)
    this.renderHead()
    this.renderBanner()
    this.renderMustRead()
    renderInto(this.article, this.textToShow())
    this.el.focus({ preventScroll: true })
    this.el.scrollTop = 0
    this.app.panel.docChanged(id)
  }

  textToShow () {
    const store = this.app.store
    const meta = store.docs.get(this.id)?.meta
    // A draft has no published revision: its editors read the working copy.
    return meta && meta.status !== 'published' && meta.working ? store.workingText(this.id) || '' : store.text(this.id)
  }

  renderHead () {
    const meta = this.app.store.docs.get(this.id)?.meta
    if (!meta) return
    const pub = meta.published
    const trust = h('p.trust#trust', {}, trustParts(this.app.store, meta).map((p) => h('span.' + p.kind, {}, p.text)))
    const line = pub
      ? t(pub.by ? 'publishedBy' : 'published', { rev: pub.rev, date: fmtDate(pub.at), who: pub.by })
      : t('draft')
    // A revision that arrived while the page was open: say so beside the marks in the text.
    const fresh = this.justUpdated && pub ? h('span.just-updated', {}, ' · ', t('justUpdated')) : null
    const actions = h('div.actions', {},
      h('button#flag-doc', { onclick: () => this.flagDialog(false), title: 'Ctrl+Shift+F' }, icon('flag'), t('flag')),
      h('button#flag-passage', { onclick: () => this.flagDialog(true) }, icon('flag'), t('flagPassage')),
      h('button#comments', { onclick: () => this.app.panel.toggle('comments'), title: 'Ctrl+Shift+M' }, icon('comment'), t('comments'), ` (${this.app.store.recordsOf('comment', this.id).length})`),
      meta.published ? h('button#history', { onclick: () => showHistory(this.app, this.id) }, icon('history'), t('history')) : null,
      meta.can_edit ? h('button#edit.primary', { onclick: () => this.startEditing(), title: 'Ctrl+E' }, icon('edit'), t('edit')) : null,
      this.watchCtl.el)
    this.watchCtl.update()
    const pending = meta.working && meta.unpublished_by && meta.unpublished_by.length
      ? h('p.pending', {}, t('unpublishedBy', { who: meta.unpublished_by.join(', ') }))
      : null
    // A live re-render (a flag, a comment, new metadata) keeps the keyboard where it was.
    const active = this.head.contains(document.activeElement) ? document.activeElement : null
    clear(this.head).append(...[
      h('p.topics', {}, meta.topics.map(topicLabel).join(' · ')),
      h('h1#doc-title', {}, meta.title),
      trust, h('p.meta', {}, line, fresh), pending, this.editor ? null : actions].filter(Boolean))
    if (active && this.watchCtl.el.contains(active)) active.focus()
    else if (active && active.id) this.head.querySelector(`#${CSS.escape(active.id)}`)?.focus()
  }

  renderBanner () {
    const flags = this.app.store.openFlags(this.id)
    this.banner.hidden = !flags.length
    clear(this.banner)
    for (const f of flags) {
      const d = f.data
      const quote = d.anchor && d.anchor.quote ? h('q', {}, d.anchor.quote) : null
      this.banner.append(h('p', {}, icon('flag'), ` ${t(d.reason)} · ${t('flagState_' + d.state)} · ${d.by}`, quote ? ' — ' : '', quote, d.note ? ` “${d.note}”` : ''))
    }
  }

  /** "Must read" above the text, "I have read it", and what changed since the last one. */
  renderMustRead () {
    if (!this.mustBanner || !this.id) return
    const must = mustReadOf(this.app.store, this.id)
    const meta = this.app.store.docs.get(this.id)?.meta
    this.mustBanner.hidden = !must
    if (!must) return
    if (!must.acknowledged && !must.opened && meta && meta.published && meta.published.rev === must.rev) {
      this.openedSent = this.openedSent || new Set()
      if (!this.openedSent.has(must.id)) { // on screen: the coverage says "opened"
        this.openedSent.add(must.id)
        this.app.conn.request({ type: 'opened', doc: this.id, rev: must.rev }).catch(() => {})
      }
    }
    const due = must.due ? ` · ${t(must.overdue ? 'overdueSince' : 'dueBy', { date: fmtDate(must.due.toISOString()) })}` : ''
    const changed = must.previous ? h('button#what-changed', { onclick: () => showDiffBetween(this.app, this.id, must.previous, must.rev) }, t('whatChangedSince', { rev: must.previous })) : null
    const action = must.acknowledged
      ? h('span.acked', {}, '✓ ', t('acknowledged'))
      : h('button#acknowledge.primary', {
        onclick: (ev) => {
          ev.currentTarget.disabled = true
          this.app.conn.request({ type: 'acknowledge', doc: this.id, rev: must.rev }).catch((err) => toast(t('error', { msg: err.message }), 'error'))
        }
      }, t('acknowledge'))
    this.mustBanner.classList.toggle('done', must.acknowledged)
    this.mustBanner.classList.toggle('overdue', must.overdue)
    clear(this.mustBanner).append(
      h('p', {}, h('strong', {}, t('mustRead')), due, must.note ? ` — ${must.note}` : '', ` (${must.by})`),
      h('div.actions', {}, changed, action))
  }

  onDoc ({ what, before, after }) {
    if (what === 'meta') { this.renderHead(); return }
    if (this.editing) return
    const meta = this.app.store.docs.get(this.id)?.meta
    if (what === 'published' && !(meta && meta.status !== 'published' && meta.working)) {
      const y = this.el.scrollTop
      const marked = renderInto(this.article, after, before)
      this.el.scrollTop = y
      this.justUpdated = marked > 0
      this.renderHead()
      if (marked) this.article.querySelector('.changed')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
    } else if (what === 'working' && meta && meta.status !== 'published') {
      renderInto(this.article, this.textToShow())
    }
  }

  onWatch () {
    if (this.watchCtl && this.id) this.watchCtl.update()
  }

  onRecord (rec) {
    if (rec.kind === 'flag') { this.renderBanner(); this.renderHead() }
    if (rec.kind === 'comment') this.renderHead()
    if (rec.kind === 'must_read' || rec.kind === 'ack') this.renderMustRead()
  }

  onAwareness (detail) {
    if (this.editor && detail.doc === this.id) this.editor.onAwareness(detail.payload)
  }

  // -- flags -------------------------------------------------------------------------

  selectedPassage () {
    const sel = window.getSelection()
    if (!this.article || !sel || sel.isCollapsed || !this.article.contains(sel.anchorNode)) return null
    const quote = sel.toString().trim().slice(0, 2000)
    const text = this.app.store.text(this.id)
    const span = locatePassage(text, quote)
    if (!span) return null
    const ytext = this.app.store.docs.get(this.id).pub.getText('body')
    const start = Y.createRelativePositionFromTypeIndex(ytext, span[0], 0)
    const end = Y.createRelativePositionFromTypeIndex(ytext, span[1], -1)
    return {
      start: toBase64(Y.encodeRelativePosition(start)),
      end: toBase64(Y.encodeRelativePosition(end)),
      quote
    }
  }

  flagDialog (passage) {
    const anchor = passage ? this.selectedPassage() : null
    if (passage && !anchor) { toast(t('selectFirst'), 'warn'); return }
    const reason = h('select#flag-reason', {}, REASONS.map((r) => h('option', { value: r }, t(r))))
    const urgency = h('select#flag-urgency', {}, ['low', 'normal', 'high'].map((u) => h('option', { value: u, selected: u === 'normal' }, t(u))))
    const note = h('textarea#flag-note', { maxlength: 2000, rows: 3 })
    const dialog = h('dialog.flag-dialog',
      { 'aria-labelledby': 'flag-dialog-title' },
      h('form', {
        method: 'dialog',
        onsubmit: (ev) => {
          ev.preventDefault()
          const msg = { type: 'flag', doc: this.id, reason: reason.value, urgency: urgency.value }
          if (note.value.trim()) msg.note = note.value.trim()
          if (anchor) msg.anchor = anchor
          const offline = !this.app.conn.online
          this.app.conn.request(msg).then(() => toast(t('flagSent'))).catch((err) => toast(t('error', { msg: err.message }), 'error'))
          if (offline) toast(t('flagQueued'))
          dialog.close()
        },
        // Enter on the reason or urgency list sends, as on the desktop (a <select> does
        // not submit its form by itself); Enter in the note is a new line.
        onkeydown: (ev) => {
          if (ev.key !== 'Enter' || ev.target.tagName !== 'SELECT' || ev.shiftKey || ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return
          ev.preventDefault()
          ev.currentTarget.requestSubmit()
        }
      },
      h('h2#flag-dialog-title', {}, passage ? t('flagPassageTitle') : t('flagTitle')),
      anchor ? h('blockquote.quote', {}, anchor.quote) : null,
      h('label', {}, t('reason'), reason),
      h('label', {}, t('urgency'), urgency),
      h('label', {}, t('note'), note),
      h('div.buttons', {},
        h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel')),
        h('button.primary#flag-send', { type: 'submit' }, t('send')))))
    dialog.addEventListener('close', () => dialog.remove())
    document.body.append(dialog)
    dialog.showModal()
    reason.focus()
  }

  // -- editing -----------------------------------------------------------------------

  async startEditing () {
    const meta = this.app.store.docs.get(this.id)?.meta
    if (!meta || !meta.can_edit || this.editor || this.loadingEditor) return
    const id = this.id
    this.loadingEditor = true
    try {
      const { Editor } = await import('./editor.js') // fetched the first time only
      if (this.id !== id || this.editor) return
      this.editor = new Editor(this.app, this.id, this.body, () => this.stopEditing())
      this.renderHead()
    } catch (err) {
      toast(t('error', { msg: String(err) }), 'error') // offline before the editor was ever loaded
    } finally {
      this.loadingEditor = false
    }
  }

  stopEditing () {
    if (!this.editor) return
    this.editor.destroy()
    this.editor = null
    if (this.id) {
      clear(this.body).append(this.article)
      renderInto(this.article, this.textToShow())
      this.renderHead()
    }
  }
}

function guessLang (text) {
  return /[åäöÅÄÖ]/.test(text.slice(0, 2000)) ? 'sv' : 'en'
}
