// What the page holds: every document the user may read (metadata, the latest
// published revision as a Y.Doc, the working copy for editors) and every
// record (flags, comments, notes, notifications). All in memory: it is what
// keeps an open page readable and searchable while the connection is down.
import * as Y from 'yjs'
import { AWARENESS, STEP2, SYNC, UPDATE, parseStream } from './wire.js'

export const REMOTE = 'remote'

export class Store extends EventTarget {
  constructor () {
    super()
    this.docs = new Map() // id -> {meta, pub: Y.Doc, work: Y.Doc | null}
    this.records = new Map() // `${kind}:${id}` -> record envelope
    this.cursor = 0
    this.synced = false
    this.user = null
    this.lastSeen = null
    this.onLocalUpdate = () => {} // set by the app: sends a working copy's local edits
  }

  emit (type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })) }

  signedIn (user) {
    this.user = user
    this.emit('user', user)
  }

  syncRequest () {
    const known = [...this.docs.keys()]
    const working = known.filter((id) => this.docs.get(id).work)
    return { cursor: this.cursor, known, working, records_from: this.cursor }
  }

  entry (id) {
    let e = this.docs.get(id)
    if (!e) {
      e = { meta: null, pub: new Y.Doc(), work: null }
      this.docs.set(id, e)
    }
    return e
  }

  text (id) {
    const e = this.docs.get(id)
    return e ? e.pub.getText('body').toString() : ''
  }

  workingText (id) {
    const e = this.docs.get(id)
    return e && e.work ? e.work.getText('body').toString() : null
  }

  workDoc (id) {
    const e = this.entry(id)
    if (!e.work) {
      e.work = new Y.Doc()
      e.work.on('update', (update, origin) => {
        if (origin !== REMOTE) this.onLocalUpdate(id, update)
      })
    }
    return e.work
  }

  onControl (msg) {
    switch (msg.type) {
      case 'sync_begin':
        this.emit('sync', { total: msg.total })
        return
      case 'doc': {
        const e = this.entry(msg.id)
        const before = e.meta
        e.meta = msg
        if (msg.working) this.workDoc(msg.id)
        this.emit('doc', { id: msg.id, what: 'meta', before })
        return
      }
      case 'removed':
        for (const id of msg.ids) {
          this.docs.delete(id)
          for (const [key, rec] of this.records) if (rec.doc === id) this.records.delete(key)
        }
        if (msg.ids.length) this.emit('removed', { ids: msg.ids })
        return
      case 'record': {
        const key = `${msg.kind}:${msg.id}`
        const old = this.records.get(key)
        if (old && old.seq > msg.seq) return // an older state never replaces a newer one
        this.records.set(key, msg)
        this.emit('record', { record: msg, isNew: !old })
        return
      }
      case 'cursor':
        this.cursor = Math.max(this.cursor, msg.seq)
        this.emit('cursor', msg)
        return
      case 'sync_end':
        this.cursor = Math.max(this.cursor, msg.cursor)
        this.lastSeen = this.lastSeen || msg.last_seen
        this.synced = true
        this.emit('synced', msg)
        return
      case 'profile':
        this.user = msg.user
        this.emit('user', msg.user)
        return
      default:
        this.emit('message', msg)
    }
  }

  onFrame ({ stream, type, step, payload }) {
    const { doc, published } = parseStream(stream)
    if (type === AWARENESS) {
      this.emit('awareness', { doc, payload })
      return
    }
    if (type !== SYNC || (step !== STEP2 && step !== UPDATE)) return
    if (published) {
      const e = this.entry(doc)
      const before = e.pub.getText('body').toString()
      Y.applyUpdate(e.pub, payload, REMOTE)
      const after = e.pub.getText('body').toString()
      if (before !== after) this.emit('doc', { id: doc, what: 'published', before: before, after })
    } else {
      Y.applyUpdate(this.workDoc(doc), payload, REMOTE)
      this.emit('doc', { id: doc, what: 'working' })
    }
  }

  updateRefused (msg) {
    this.emit('refused', msg)
  }

  // -- queries ----------------------------------------------------------------

  visible () {
    return [...this.docs.values()].filter((e) => e.meta).map((e) => e.meta)
  }

  recordsOf (kind, docId) {
    const out = []
    for (const rec of this.records.values()) {
      if (rec.kind === kind && !rec.deleted && (docId === undefined || rec.doc === docId)) out.push(rec)
    }
    return out
  }

  openFlags (docId) {
    return this.recordsOf('flag', docId).filter((r) => r.data.state === 'open' || r.data.state === 'acknowledged')
  }
}
