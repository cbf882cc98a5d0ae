// Co-editing the working copy in the browser, live with desktop users:
// CodeMirror 6 bound to the Y.Text 'body' by y-codemirror.next, carets and
// names of the others through the awareness room the server relays, undo of
// one's own edits only (Y.UndoManager tracks the binding's origin).
import { EditorView, keymap, drawSelection } from '@codemirror/view'
import { EditorState } from '@codemirror/state'
import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { Awareness, encodeAwarenessUpdate, applyAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import { h, clear, toast } from './dom.js'
import { t } from './i18n.js'
import { awareness as awarenessFrame } from './wire.js'
import { showHistory } from './history.js'

const COLOURS = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#ad1457']

function colourOf (name) {
  let n = 0
  for (const c of name) n = (n * 31 + c.codePointAt(0)) >>> 0
  return COLOURS[n % COLOURS.length]
}

export class Editor {
  constructor (app, id, container, onDone) {
    this.app = app
    this.id = id
    this.conn = app.conn
    const ydoc = app.store.workDoc(id)
    this.awareness = new Awareness(ydoc)
    const name = app.store.user.name
    this.awareness.setLocalStateField('user', { name, color: colourOf(name), colorLight: colourOf(name) + '33' })
    this.onAwarenessChange = ({ added, updated, removed }, origin) => {
      if (origin === 'remote') return
      const changed = added.concat(updated, removed)
      this.conn.send(awarenessFrame(id, encodeAwarenessUpdate(this.awareness, changed)))
    }
    this.awareness.on('update', this.onAwarenessChange)
    this.onState = (ev) => { if (ev.detail.state === 'syncing') this.join() }
    this.conn.addEventListener('state', this.onState)
    this.join()

    const meta = app.store.docs.get(id).meta
    this.view = new EditorView({
      state: EditorState.create({
        doc: ydoc.getText('body').toString(),
        extensions: [
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
          drawSelection(),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': meta.title, spellcheck: 'true', lang: 'sv' }),
          yCollab(ydoc.getText('body'), this.awareness)
        ]
      })
    })
    const publishLabel = meta.can_publish ? t('publish') : t('submit')
    clear(container).append(
      h('div.editbar', {},
        h('p.hint', {}, t('editing')),
        h('div.actions', {},
          h('button#history-edit', { onclick: () => showHistory(app, id) }, t('history')),
          h('button#publish.primary', { onclick: () => this.publishDialog(meta.can_publish) }, publishLabel),
          h('button#done', { onclick: onDone, title: 'Esc' }, t('done')))),
      h('div.editor#editor', {}, this.view.dom))
    this.view.focus()
  }

  join () {
    if (!this.conn.online) return
    this.conn.send({ type: 'open', doc: this.id })
    this.conn.send(awarenessFrame(this.id, encodeAwarenessUpdate(this.awareness, [this.awareness.clientID])))
  }

  onAwareness (payload) {
    applyAwarenessUpdate(this.awareness, payload, 'remote')
  }

  publishDialog (direct) {
    const note = h('input#publish-note', { maxlength: 2000, placeholder: t('publishNote') })
    const dialog = h('dialog.publish-dialog', {},
      h('form', {
        method: 'dialog',
        onsubmit: (ev) => {
          ev.preventDefault()
          dialog.close()
          const msg = { type: direct ? 'publish' : 'submit', doc: this.id }
          if (note.value.trim()) msg.note = note.value.trim()
          this.conn.request(msg).then((ans) => {
            toast(ans.rev ? t('published_ok', { rev: ans.rev }) : t('submitted'))
          }).catch((err) => toast(err.code === 'conflict' ? t('nothingToPublish') : t('error', { msg: err.message }), 'warn'))
        }
      },
      h('h2', {}, direct ? t('publish') : t('submit')),
      h('label', {}, t('publishNote'), note),
      h('div.buttons', {},
        h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel')),
        h('button.primary#publish-send', { type: 'submit' }, direct ? t('publish') : t('submit')))))
    dialog.addEventListener('close', () => {
      dialog.remove()
      // Back to the text, not to the Publish button the dialog gives the focus back
      // to: the next Space or Enter typed must not open it (and publish) again.
      if (!this.destroyed) this.view.focus()
    })
    document.body.append(dialog)
    dialog.showModal()
    note.focus()
  }

  destroy () {
    this.destroyed = true
    removeAwarenessStates(this.awareness, [this.awareness.clientID], 'local')
    this.awareness.off('update', this.onAwarenessChange)
    this.conn.removeEventListener('state', this.onState)
    this.conn.send({ type: 'close', doc: this.id })
    this.awareness.destroy()
    this.view.destroy()
  }
}
