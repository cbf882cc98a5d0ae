// kmdesk in the browser: sign-in, then the rep's screen (and the editor's).
import { Connection } from './connection.js'
import { Store } from './store.js'
import { Search } from './search.js'
import { h, clear, toast } from './dom.js'
import { t, getLang, setLang } from './i18n.js'
import { Library } from './library.js'
import { Reader } from './reader.js'
import { Panel } from './panel.js'
import { icon } from './icons.js'
import { mustReads, activeBroadcasts } from './attention.js'
import { Watches, closeWatchMenu } from './watch.js'

const root = document.getElementById('root')

function applyTheme () {
  const theme = localStorage.getItem('kmdesk.theme') || 'auto'
  document.documentElement.dataset.theme = theme
}

class App {
  constructor () {
    this.store = new Store()
    this.conn = new Connection(this.store)
    this.search = new Search()
    this.store.onLocalUpdate = (doc, update) => this.conn.pushUpdate(doc, update)
    this.watches = new Watches(this)
    this.showAll = localStorage.getItem('kmdesk.showAll') === '1'
    this.openId = null
  }

  // -- sign-in -------------------------------------------------------------------

  start () {
    this.conn.addEventListener('state', (ev) => this.onState(ev.detail))
    this.conn.addEventListener('outbox', () => this.renderStatus())
    // A watch setting's own words follow the store, the outbox and the connection.
    this.watches.addEventListener('change', () => this.renderWatches())
    this.conn.addEventListener('problem', (ev) => toast(t('error', { msg: ev.detail.message }), 'error'))
    this.store.addEventListener('user', () => this.ensureShell())
    this.conn.start() // the cookie, if there is one, signs us in
    // Unsent changes are kept in this browser's storage (connection.js), so
    // closing the page does not lose them; no "leave this page?" question.
  }

  onState ({ state }) {
    if (state === 'signed-out') {
      this.conn.stopped = true
      // Closed with 4001 while signed in: the server ended this session (a new role or
      // password, signed out elsewhere, expired). Its reason is for logs, in English;
      // the page says it in the user's words and keeps the name for the next try.
      const ended = Boolean(this.shell)
      if (ended) location.hash = ''
      this.teardown()
      this.showSignIn(ended ? 'sessionEnded' : null, ended ? this.store.user?.name : '')
      return
    }
    this.renderStatus()
    this.renderWatches() // "unsent" or "saving…" beside a setting asked for
  }

  renderWatches () {
    if (!this.shell) return
    this.reader.onWatch()
    this.panel.onWatch()
    this.library.refreshSoon() // a topic's own setting beside its name
  }

  /** The session is over: nothing of the documents may stay on the page. The shell
   * goes with showSignIn; dialogs (History, Publish, Flag) live outside it, on
   * document.body, and an editor has listeners on the connection, so they go here. */
  teardown () {
    if (this.reader) this.reader.stopEditing()
    closeWatchMenu()
    for (const dialog of document.querySelectorAll('dialog')) {
      if (dialog.open) dialog.close()
      dialog.remove()
    }
    clear(document.getElementById('toasts') || document.createElement('div'))
    clearInterval(this.expiry)
    this.openId = null
    document.body.classList.remove('reading', 'is-offline')
  }

  /** The sign-in form; ``messageKey`` says why it is back (translated), ``name`` is
   * filled in (then the password field has the focus). */
  showSignIn (messageKey = null, name = '') {
    this.shell = null
    document.documentElement.lang = getLang()
    const error = h('p.error', { role: 'alert', id: 'signin-error' }, messageKey ? t(messageKey) : '')
    const user = h('input', { id: 'signin-user', name: 'username', autocomplete: 'username', required: true, maxlength: 200, autofocus: !name, value: name || null })
    const password = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 })
    const button = h('button.primary', { type: 'submit', id: 'signin-submit' }, t('signIn'))
    const form = h('form.signin', {
      onsubmit: async (ev) => {
        ev.preventDefault()
        button.disabled = true
        button.textContent = t('signingIn')
        error.textContent = ''
        try {
          const welcome = await this.conn.signIn(user.value.trim(), password.value)
          password.value = ''
          // Someone else at this desk: start from a clean page, nothing of the last
          // user's held documents or unsent changes (the same user keeps them).
          if (this.store.user && this.store.user.name !== welcome.user.name) { location.reload(); return }
          this.conn.start()
        } catch (err) {
          error.textContent = err.code === 'auth_throttled'
            ? t('throttled', { s: err.retry_after })
            : err.code === 'auth_failed' ? t('wrongPassword') : t('noServer')
          password.select()
        } finally {
          button.disabled = false
          button.textContent = t('signIn')
        }
      }
    },
    h('h1', {}, t('appName')),
    h('h2', {}, t('signInTitle')),
    h('label', { for: 'signin-user' }, t('user')), user,
    h('label', { for: 'signin-password' }, t('password')), password,
    error, button,
    h('p.aside', {}, h('a', { href: '/help/' }, t('helpCentre')), ' · ', h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); setLang(getLang() === 'sv' ? 'en' : 'sv'); this.showSignIn(messageKey, user.value) } }, t('language'))))
    clear(root).append(h('div.signin-page', {}, form))
    if (name) password.focus()
    else user.focus()
  }

  // -- the shell -------------------------------------------------------------------

  ensureShell () {
    if (this.shell) { this.renderUser(); return }
    document.documentElement.lang = getLang()
    const q = h('input#q', { type: 'search', placeholder: t('search'), 'aria-label': t('search'), autocomplete: 'off', maxlength: 200 })
    this.status = h('span#status.status', { role: 'status' })
    this.bell = h('button#bell.icon', { title: t('notifications'), 'aria-label': t('notifications'), onclick: () => this.panel.toggle('notifications') })
    this.mustButton = h('button#mustread-button.must', { hidden: true, onclick: () => this.panel.toggle('mustread') })
    this.broadcastBar = h('div#broadcasts', { role: 'region', 'aria-live': 'assertive', 'aria-label': t('broadcasts') })
    this.userMenu = h('div.menu')
    const header = h('header.top', {},
      h('a.brand', { href: '#', onclick: (ev) => { ev.preventDefault(); this.closeDoc() } }, t('appName')),
      h('div.searchbox', {}, q), this.status, this.mustButton, this.bell, this.userMenu)
    this.side = h('nav#side', { 'aria-label': t('allTopics') })
    this.main = h('main#main', { tabindex: '-1' })
    this.aside = h('aside#panel', { hidden: true })
    this.shell = h('div.shell', {}, header, this.broadcastBar, h('div.layout', {}, this.side, this.main, this.aside))
    clear(root).append(this.shell)
    this.library = new Library(this, this.side, q)
    this.reader = new Reader(this, this.main)
    this.panel = new Panel(this, this.aside)
    this.q = q
    if (!this.documentWired) { // once per page: the shell is built again (language, sign-in)
      this.documentWired = true
      this.wireStore()
      this.wireKeys()
      window.addEventListener('hashchange', () => this.fromHash())
    }
    this.renderUser()
    this.renderStatus()
    this.renderAttention()
    this.reader.empty()
    clearInterval(this.expiry)
    this.expiry = setInterval(() => this.renderBroadcasts(), 15000) // broadcasts expire by this clock
  }

  wireStore () {
    const s = this.store
    s.addEventListener('doc', (ev) => {
      const { id, what } = ev.detail
      const e = s.docs.get(id)
      if (e && e.meta) {
        // Drafts have no published text: their editors find them by the working copy.
        const draft = e.meta.status !== 'published' && e.meta.working
        if (draft || what !== 'working') this.search.put(id, e.meta.title, e.meta.topics, draft ? s.workingText(id) || '' : s.text(id))
      }
      if (s.synced) this.library.refreshSoon()
      if (id === this.openId) this.reader.onDoc(ev.detail)
    })
    s.addEventListener('removed', (ev) => {
      for (const id of ev.detail.ids) this.search.drop(id)
      this.library.refreshSoon()
      if (ev.detail.ids.includes(this.openId)) this.reader.gone()
    })
    s.addEventListener('record', (ev) => {
      const rec = ev.detail.record
      if (rec.doc === this.openId) this.reader.onRecord(rec)
      this.panel.onRecord(rec, ev.detail.isNew && s.synced)
      if (rec.kind === 'flag' && s.synced) this.library.refreshSoon() // the list's flag badges
      this.renderBell()
      if (rec.kind === 'must_read' || rec.kind === 'ack' || rec.kind === 'broadcast') this.renderAttentionSoon()
    })
    s.addEventListener('synced', () => {
      this.library.refresh()
      this.renderBell()
      this.renderAttention()
      if (!this.openId) this.fromHash()
    })
    s.addEventListener('awareness', (ev) => this.reader.onAwareness(ev.detail))
    s.addEventListener('refused', (ev) => toast(t('error', { msg: ev.detail.message }), 'error'))
  }

  wireKeys () {
    document.addEventListener('keydown', (ev) => {
      if (!this.shell) return // the sign-in form
      const q = this.q
      const ctrl = ev.ctrlKey || ev.metaKey
      const key = ev.key.toLowerCase()
      if (ctrl && !ev.shiftKey && key === 'k') {
        ev.preventDefault()
        q.focus()
        q.select()
      } else if (ctrl && ev.shiftKey && key === 'f' && this.openId) {
        ev.preventDefault()
        this.reader.flagDialog(Boolean(this.reader.selectedPassage()))
      } else if (ctrl && !ev.shiftKey && key === 'e' && this.openId) {
        ev.preventDefault()
        this.reader.editing ? this.reader.stopEditing() : this.reader.startEditing()
      } else if (ctrl && ev.shiftKey && key === 'm' && this.openId) {
        ev.preventDefault()
        this.panel.toggle('comments')
      } else if (ctrl && ev.shiftKey && key === 'n') {
        ev.preventDefault()
        this.panel.toggle('notifications')
      } else if (ctrl && ev.shiftKey && key === 'a' && this.openId) {
        ev.preventDefault() // "I have read it", as on the desktop
        document.getElementById('acknowledge')?.click()
      } else if (ctrl && ev.shiftKey && key === 'j') {
        ev.preventDefault() // the next must-read waiting
        const next = mustReads(this.store).find((m) => !m.acknowledged && m.doc !== this.openId)
        if (next) this.openDoc(next.doc)
      } else if (ev.key === 'Escape' && !document.querySelector('dialog[open]')) {
        if (!this.aside.hidden && this.aside.contains(document.activeElement)) this.panel.hide(true)
        else if (document.activeElement === q && q.value) { q.value = ''; this.library.refresh() } else if (this.openId && !this.reader.editing) this.closeDoc()
      }
    })
  }

  renderUser () {
    const user = this.store.user
    if (!user || !this.userMenu) return
    const theme = localStorage.getItem('kmdesk.theme') || 'auto'
    const themes = ['auto', 'light', 'dark'].map((v) => h('option', { value: v, selected: v === theme }, t(v)))
    clear(this.userMenu).append(
      h('details', {},
        h('summary', { 'aria-label': user.name }, h('span.avatar', {}, user.name.slice(0, 1).toUpperCase()), h('span.who', {}, user.name)),
        h('div.menu-body', {},
          h('p.role', {}, `${user.name} · ${t('role_' + user.role)}`),
          h('button#watch-settings', { onclick: (ev) => { ev.currentTarget.closest('details').open = false; this.panel.show('watch') } }, t('watchSettingsOpen')),
          h('label', {}, t('theme'), ' ', h('select#theme', { onchange: (ev) => { localStorage.setItem('kmdesk.theme', ev.target.value); applyTheme() } }, themes)),
          h('button#lang', { onclick: () => { setLang(getLang() === 'sv' ? 'en' : 'sv'); this.rebuild() } }, t('language')),
          h('a', { href: '/help/', target: '_blank' }, t('helpCentre')),
          h('button#signout', { onclick: () => this.signOut() }, t('signOut')))))
  }

  rebuild () {
    if (this.reader) this.reader.stopEditing() // its editor belongs to the old shell
    closeWatchMenu()
    this.shell = null
    this.ensureShell()
    this.library.refresh()
    if (this.openId) this.reader.open(this.openId)
  }

  renderStatus () {
    if (!this.status) return
    const state = this.conn.state
    const pending = this.conn.pending
    const label = state === 'online' ? t('online') : state === 'syncing' ? t('syncing') : state === 'connecting' ? t('connecting') : t('offline')
    this.status.className = `status ${state}`
    this.status.textContent = pending ? `${label} · ${t('unsent', { n: pending })}` : label
    this.status.title = label
    document.body.classList.toggle('is-offline', state === 'offline' || state === 'connecting')
  }

  renderBell () {
    if (!this.bell) return
    const unread = this.store.recordsOf('notification').filter((r) => !r.data.read).length
    this.bell.replaceChildren(icon('bell'), unread ? h('span.count-badge', {}, String(unread)) : '')
    this.bell.classList.toggle('has-unread', unread > 0)
  }

  renderAttentionSoon () {
    if (this.attentionPending) return
    this.attentionPending = requestAnimationFrame(() => { this.attentionPending = null; this.renderAttention() })
  }

  renderAttention () {
    if (!this.mustButton) return
    const waiting = mustReads(this.store).filter((m) => !m.acknowledged)
    const overdue = waiting.some((m) => m.overdue)
    this.mustButton.hidden = !waiting.length && this.panel.mode !== 'mustread'
    this.mustButton.classList.toggle('overdue', overdue)
    this.mustButton.title = t('mustRead')
    this.mustButton.replaceChildren(icon('book'), h('span.label', {}, t('mustRead')), ' ', h('span.count-badge', {}, String(waiting.length)))
    this.renderBroadcasts()
    if (this.openId) this.reader.renderMustRead()
  }

  renderBroadcasts () {
    if (!this.broadcastBar) return
    const hidden = new Set(JSON.parse(localStorage.getItem('kmdesk.hiddenBroadcasts') || '[]'))
    const items = activeBroadcasts(this.store, hidden)
    this.broadcastBar.replaceChildren(...items.map((rec) => {
      const d = rec.data
      const link = d.link && this.store.docs.get(d.link)?.meta
        ? h('a', { href: `#/doc/${encodeURIComponent(d.link)}` }, this.store.docs.get(d.link).meta.title)
        : null
      const hide = d.severity === 'critical' ? null : h('button.close', {
        'aria-label': t('hide'),
        onclick: () => {
          localStorage.setItem('kmdesk.hiddenBroadcasts', JSON.stringify([...hidden, rec.id].slice(-50)))
          this.renderBroadcasts()
        }
      }, '×')
      return h(`div.broadcast.${d.severity || 'info'}`, { dataset: { id: rec.id } },
        h('p', {}, h('strong', {}, t('severity_' + (d.severity || 'info'))), ' ', h('span.text', {}, d.text),
          link ? ' · ' : null, link, h('span.by', {}, ` — ${d.by}`)), hide)
    }))
  }

  async signOut () {
    if (this.conn.pending && !confirm(t('unsentSignOut', { n: this.conn.pending }))) return
    await this.conn.signOut()
    location.hash = ''
    location.reload()
  }

  // -- navigation -----------------------------------------------------------------

  fromHash () {
    const m = location.hash.match(/^#\/doc\/(.+)$/)
    const id = m ? decodeURIComponent(m[1]) : null
    if (id && id !== this.openId && this.store.docs.get(id)?.meta) this.openDoc(id, false)
    else if (!id && this.openId) this.closeDoc(false)
  }

  openDoc (id, push = true) {
    this.openId = id
    if (push) location.hash = `#/doc/${encodeURIComponent(id)}`
    document.body.classList.add('reading')
    this.reader.open(id)
    this.library.markOpen(id)
  }

  closeDoc (push = true) {
    if (this.reader.editing) this.reader.stopEditing()
    this.openId = null
    if (push && location.hash) history.pushState('', '', location.pathname)
    document.body.classList.remove('reading')
    this.reader.empty()
    this.library.markOpen(null)
    this.library.focusList()
  }
}

applyTheme()
const app = new App()
// For support staff at the console (and the browser tests): what the page holds.
window.kmdesk = { store: app.store, connection: app.conn }
app.start()
