// One /ws socket, kept open: sign-in, delta sync from a cursor, and an ordered
// outbox so that edits and requests made offline are sent on reconnect,
// never lost and never applied twice (CRDT updates are idempotent; requests
// carry a uuid the server answers again instead of redoing).
import * as Y from 'yjs'
import { syncUpdate, unwrap, uuid, toBase64 } from './wire.js'

const PROTOCOL = 2
// Requests that carry the client's uuid (docs/protocol.md, sections 4 and 5).
const WITH_ID = new Set(['flag', 'flag_state', 'comment', 'comment_state', 'note', 'note_edit',
  'note_delete', 'publish', 'submit', 'review', 'restore', 'archive', 'verify'])
const MAX_BACKOFF = 15000

export class Connection extends EventTarget {
  constructor (store) {
    super()
    this.store = store
    this.ws = null
    this.state = 'offline' // offline | connecting | syncing | online | signed-out
    this.outbox = [] // {kind:'update', doc, bytes} | {kind:'request', msg, resolve, reject}
    this.sentUpdates = [] // updates sent on this socket, waiting for ack/error, in order
    this.waiting = new Map() // ref -> {resolve, reject, item}
    this.inflight = [] // outbox items sent on this socket and not answered yet, in order
    this.tab = uuid() // this page's key for its saved outbox (see persist)
    this.storageKey = null
    this.backoff = 500
    this.timer = null
    this.stopped = false
  }

  url () {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
    return `${proto}//${location.host}/ws`
  }

  /** Sign in with name and password (the desktop's hello); the token becomes a cookie. */
  signIn (user, password) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url())
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL, user, password, client: 'web' }))
      ws.onmessage = async (ev) => {
        const msg = JSON.parse(ev.data)
        if (msg.type === 'error') { reject(msg); return }
        if (msg.type !== 'welcome') return
        ws.onmessage = null
        try {
          // Trade the token for an HttpOnly cookie, then drop every reference to it.
          const r = await fetch('/api/session', { method: 'POST', headers: { Authorization: `Bearer ${msg.token}` }, credentials: 'same-origin' })
          if (!r.ok) throw new Error(`session ${r.status}`)
          delete msg.token
          ws.close(1000, 'signed in; reconnecting with the cookie')
          resolve(msg)
        } catch (err) { ws.close(); reject({ code: 'internal', message: String(err) }) }
      }
      ws.onerror = () => reject({ code: 'offline', message: 'no connection' })
    })
  }

  async signOut () {
    this.forget() // the user chose to leave what was not sent (the page asked first)
    this.stopped = true
    clearTimeout(this.timer)
    try { await fetch('/api/signout', { method: 'POST', credentials: 'same-origin' }) } catch (_) {}
    if (this.ws) this.ws.close(1000, 'signed out')
  }

  start () {
    this.stopped = false
    this.connect()
  }

  setState (state, detail = {}) {
    this.state = state
    this.dispatchEvent(new CustomEvent('state', { detail: { state, ...detail } }))
  }

  connect () {
    if (this.stopped) return
    this.setState('connecting')
    const ws = new WebSocket(this.url())
    this.ws = ws
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL }))
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.onText(JSON.parse(ev.data))
      else this.onBinary(new Uint8Array(ev.data))
    }
    ws.onclose = (ev) => {
      if (this.ws !== ws) return
      this.ws = null
      this.sentUpdates = []
      // What was sent but not answered goes back to the front of the outbox, in order.
      this.waiting.forEach((w) => { if (!w.item) w.reject({ code: 'offline', message: 'connection lost' }) })
      this.waiting.clear()
      this.outbox = [...this.inflight, ...this.outbox]
      this.inflight = []
      if (ev.code === 4001) { this.setState('signed-out', { reason: ev.reason }); return }
      this.setState('offline')
      if (this.stopped) return
      this.timer = setTimeout(() => this.connect(), this.backoff)
      this.backoff = Math.min(MAX_BACKOFF, this.backoff * 2)
    }
  }

  onText (msg) {
    switch (msg.type) {
      case 'welcome':
        this.backoff = 500
        this.setState('syncing', { user: msg.user })
        this.store.signedIn(msg.user)
        this.adopt(msg.user.name)
        this.send({ type: 'sync', ...this.store.syncRequest() })
        this.flush()
        return
      case 'sync_end':
        this.store.onControl(msg)
        this.setState('online')
        return
      case 'ack':
        this.updateAnswered()
        return
      case 'error':
        if (msg.reply_to === 'update') { this.updateAnswered(); this.store.updateRefused(msg); return }
        if (msg.code === 'auth_failed' || msg.code === 'not_signed_in') return // the close follows
        if (this.answer(msg, true)) return
        this.dispatchEvent(new CustomEvent('problem', { detail: msg }))
        return
      default:
        if (this.answer(msg, false)) { this.store.onControl(msg); return }
        this.store.onControl(msg)
    }
  }

  answer (msg, failed) {
    const ref = msg.ref
    if (!ref || !this.waiting.has(ref)) return false
    const w = this.waiting.get(ref)
    this.waiting.delete(ref)
    if (w.item) this.answered(w.item)
    failed ? w.reject(msg) : w.resolve(msg)
    return true
  }

  updateAnswered () {
    const item = this.sentUpdates.shift()
    if (item) this.answered(item)
  }

  answered (item) {
    this.inflight = this.inflight.filter((i) => i !== item)
    this.dispatchEvent(new CustomEvent('outbox'))
    this.persist()
  }

  // -- the outbox kept in the browser's storage ------------------------------------
  // So that closing the tab while offline loses nothing: the next page of the same
  // user (this browser profile) sends it. Every page keeps its own key and adopts
  // the others' on sign-in; were a live page's items adopted too, they would be
  // sent twice, which changes nothing (idempotent updates, uuid requests).

  persist () {
    if (!this.storageKey) return
    try {
      const items = [...this.inflight, ...this.outbox].map((i) => i.kind === 'update'
        ? { kind: 'update', doc: i.doc, b64: toBase64(i.bytes) }
        : { kind: 'request', msg: i.msg })
      if (items.length) localStorage.setItem(this.storageKey, JSON.stringify(items))
      else localStorage.removeItem(this.storageKey)
    } catch (_) {} // storage full or disabled: the in-memory outbox still holds them
  }

  adopt (user) {
    const prefix = `kmdesk.outbox.${user}.`
    this.storageKey = prefix + this.tab
    const adopted = []
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i)
      if (!key || !key.startsWith(prefix) || key === this.storageKey) continue
      try {
        for (const item of JSON.parse(localStorage.getItem(key)) || []) {
          if (item.kind === 'update') adopted.push({ kind: 'update', doc: item.doc, bytes: fromBase64(item.b64) })
          else if (item.kind === 'request' && item.msg && item.msg.ref) adopted.push({ kind: 'request', msg: item.msg, resolve () {}, reject () {} })
        }
      } catch (_) {}
      localStorage.removeItem(key)
    }
    if (adopted.length) this.outbox = [...adopted, ...this.outbox]
    this.persist()
  }

  forget () {
    if (this.storageKey) localStorage.removeItem(this.storageKey)
    this.outbox = []
    this.inflight = []
  }

  onBinary (bytes) {
    try { this.store.onFrame(unwrap(bytes)) } catch (err) { console.error('bad frame', err) }
  }

  send (msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(typeof msg === 'string' || msg instanceof Uint8Array ? msg : JSON.stringify(msg))
  }

  get online () { return this.state === 'syncing' || this.state === 'online' }

  // -- the outbox ---------------------------------------------------------------

  /** A local CRDT update of a working copy: kept until the server acknowledges it. */
  pushUpdate (doc, bytes) {
    this.outbox.push({ kind: 'update', doc, bytes })
    this.flush()
    this.persist()
  }

  /** A change (flag, comment, publish, ...): resent until answered; its uuid makes a
   * resend harmless (``read`` and ``watch`` have none: they are idempotent by value). */
  request (msg) {
    if (!msg.id && WITH_ID.has(msg.type)) msg.id = uuid()
    msg.ref = msg.id || uuid()
    return new Promise((resolve, reject) => {
      this.outbox.push({ kind: 'request', msg, resolve, reject })
      this.flush()
      this.persist()
    })
  }

  /** A question (history, a revision): needs the server now. */
  ask (msg) {
    msg.ref = uuid()
    return new Promise((resolve, reject) => {
      if (!this.online) { reject({ code: 'offline', message: 'offline' }); return }
      this.waiting.set(msg.ref, { resolve, reject, item: null })
      this.send(msg)
    })
  }

  flush () {
    if (!this.online) return
    this.coalesce()
    while (this.outbox.length) {
      const item = this.outbox.shift()
      this.inflight.push(item)
      if (item.kind === 'update') {
        this.sentUpdates.push(item)
        this.send(syncUpdate(item.doc, item.bytes))
      } else {
        this.waiting.set(item.msg.ref, { resolve: item.resolve, reject: item.reject, item })
        this.send(item.msg)
      }
    }
    this.dispatchEvent(new CustomEvent('outbox'))
  }

  get pending () { return this.outbox.length + this.inflight.length }

  /** Consecutive waiting edits of one document become one update (one frame, one
   * answer): an hour of offline typing is not sent keystroke by keystroke. */
  coalesce () {
    const merged = []
    for (const item of this.outbox) {
      const last = merged[merged.length - 1]
      if (item.kind === 'update' && last && last.kind === 'update' && last.doc === item.doc) {
        last.parts.push(item.bytes)
      } else {
        merged.push(item.kind === 'update' ? { ...item, parts: [item.bytes] } : item)
      }
    }
    this.outbox = merged.map((item) => {
      if (item.kind !== 'update') return item
      const bytes = item.parts.length > 1 ? Y.mergeUpdates(item.parts) : item.parts[0]
      return { kind: 'update', doc: item.doc, bytes }
    })
  }
}

function fromBase64 (b64) {
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}
