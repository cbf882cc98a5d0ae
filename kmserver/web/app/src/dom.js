// A small element builder: h('button.primary', {onclick}, 'Send').
export function h (spec, attrs = {}, ...children) {
  const tag = spec.match(/^[a-z0-9]*/)[0] || 'div'
  const el = document.createElement(tag)
  const id = spec.match(/#([\w-]+)/)
  if (id) el.id = id[1]
  const classes = [...spec.matchAll(/\.([\w-]+)/g)].map((m) => m[1])
  if (classes.length) el.className = classes.join(' ')
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else if (k === 'dataset') Object.assign(el.dataset, v)
    else if (k === 'text') el.textContent = v
    else if (v === true) el.setAttribute(k, '')
    else el.setAttribute(k, v)
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue
    el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
  return el
}

export function clear (el) {
  while (el.firstChild) el.firstChild.remove()
  return el
}

export function toast (text, kind = 'info') {
  const box = document.getElementById('toasts')
  if (!box) return
  const el = h('div.toast.' + kind, { role: kind === 'error' ? 'alert' : 'status' }, text)
  box.append(el)
  setTimeout(() => el.remove(), 6000)
}
