// History: every published revision, and a word diff of any one against the
// one before it. Needs the server (older texts are not kept in the page).
import { diffWords } from 'diff'
import { h, clear, toast } from './dom.js'
import { t, fmtDate } from './i18n.js'

export async function showHistory (app, docId) {
  let answer
  try {
    answer = await app.conn.ask({ type: 'history', doc: docId })
  } catch (err) {
    toast(t('error', { msg: err.message }), 'warn')
    return
  }
  const list = h('ol.revisions#revisions')
  const diffBox = h('div.diff#diff', { 'aria-live': 'polite' })
  for (const rev of answer.revisions) {
    const item = h('li', {},
      h('button.rev', { dataset: { rev: rev.rev }, onclick: () => showDiff(app, docId, rev.rev, diffBox, list) },
        h('strong', {}, `${rev.rev}`), ` · ${fmtDate(rev.at)} · ${rev.by || ''}`,
        rev.note ? h('span.note', {}, ` — ${rev.note}`) : null))
    list.append(item)
  }
  const dialog = h('dialog.history-dialog', { 'aria-labelledby': 'history-title' },
    h('div.dialog-head', {}, h('h2#history-title', {}, t('history')),
      h('button#history-close', { onclick: () => dialog.close() }, t('close'))),
    h('div.history-body', {}, list, diffBox),
    h('p.hint', {}, t('restoreHint')))
  dialog.addEventListener('close', () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
  if (answer.revisions.length) showDiff(app, docId, answer.revisions[0].rev, diffBox, list)
}

async function showDiff (app, docId, rev, box, list) {
  for (const b of list.querySelectorAll('button.rev')) b.classList.toggle('current', Number(b.dataset.rev) === rev)
  try {
    const [now, before] = await Promise.all([
      app.conn.ask({ type: 'revision', doc: docId, rev }),
      rev > 1 ? app.conn.ask({ type: 'revision', doc: docId, rev: rev - 1 }) : Promise.resolve({ text: '' })
    ])
    const parts = diffWords(before.text, now.text)
    clear(box).append(h('h3', {}, rev > 1 ? t('compare') : `${rev}`),
      h('pre.diff-text', {}, parts.map((p) => p.added ? h('ins', {}, p.value) : p.removed ? h('del', {}, p.value) : p.value)))
    showFirstChange(box)
  } catch (err) {
    clear(box).append(h('p', {}, t('error', { msg: err.message })))
  }
}

/** A word diff between two revisions (what changed since a must-read was acknowledged). */
export async function showDiffBetween (app, docId, fromRev, toRev) {
  const box = h('div.diff#diff', { 'aria-live': 'polite' }, h('p.hint', {}, '…'))
  const dialog = h('dialog.history-dialog', {},
    h('div.dialog-head', {}, h('h2', {}, t('whatChangedSince', { rev: fromRev })),
      h('button', { onclick: () => dialog.close() }, t('close'))), box)
  dialog.addEventListener('close', () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
  try {
    const [before, now] = await Promise.all([
      app.conn.ask({ type: 'revision', doc: docId, rev: fromRev }),
      app.conn.ask({ type: 'revision', doc: docId, rev: toRev })
    ])
    const parts = diffWords(before.text, now.text)
    clear(box).append(h('pre.diff-text', {}, parts.map((p) => p.added ? h('ins', {}, p.value) : p.removed ? h('del', {}, p.value) : p.value)))
    showFirstChange(box)
  } catch (err) {
    clear(box).append(h('p', {}, t('error', { msg: err.message })))
  }
}

/** Scroll the diff's own box (not the dialog, not the page) to its first change, a
 * few lines of context above it; the whole text stays there to scroll through. */
function showFirstChange (box) {
  const first = box.querySelector('ins, del')
  if (!first) { box.scrollTop = 0; return }
  const offset = first.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop
  box.scrollTop = Math.max(0, offset - box.clientHeight / 4)
}
