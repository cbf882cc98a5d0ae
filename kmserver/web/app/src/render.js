// Markdown to HTML for the reading view (no raw HTML: an article can never
// inject markup), marking of the passages a new revision changed, and the
// mapping from a selected passage back to the Markdown source.
import MarkdownIt from 'markdown-it'

const md = new MarkdownIt('commonmark', { html: false, linkify: false }).enable('table')

export function renderInto (el, markdown, previous = null) {
  const oldBlocks = previous === null ? null : new Set(blockTexts(previous))
  el.innerHTML = md.render(markdown)
  // The document's title is the page's heading already.
  if (el.firstElementChild && el.firstElementChild.tagName === 'H1') el.firstElementChild.classList.add('title-dup')
  for (const a of el.querySelectorAll('a[href]')) {
    a.target = '_blank'
    a.rel = 'noopener noreferrer'
  }
  if (!oldBlocks) return 0
  let marked = 0
  for (const block of el.children) {
    if (!oldBlocks.has(norm(block.textContent))) {
      block.classList.add('changed')
      marked++
    }
  }
  return marked
}

function blockTexts (markdown) {
  const tmp = document.createElement('div')
  tmp.innerHTML = md.render(markdown)
  return [...tmp.children].map((b) => norm(b.textContent))
}

const norm = (s) => s.replace(/\s+/g, ' ').trim()

/**
 * Where a passage selected in the rendered text sits in the Markdown source:
 * [start, end) in UTF-16 units (Y.Text's unit), or null. Words must appear in
 * order, with only spaces or Markdown punctuation between them.
 */
export function locatePassage (source, selected) {
  const words = selected.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
  if (!words.length) return null
  const esc = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const re = new RegExp(esc.join('[^\\p{L}\\p{N}]+'), 'u')
  const m = re.exec(source)
  return m ? [m.index, m.index + m[0].length] : null
}
