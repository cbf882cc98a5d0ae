// The left column: documents by topic (my topics first, all topics one click
// away) or, while the search box has text, search results. Arrows move, Enter opens.
import { h, clear } from './dom.js'
import { t, topicLabel, fmtDate } from './i18n.js'
import { trustBits } from './trust.js'
import { icon } from './icons.js'
import { readable } from './search.js'
import { levelWord, readsPublishedOnly } from './watch.js'

export class Library {
  constructor (app, el, input) {
    this.app = app
    this.el = el
    this.input = input
    this.pending = null
    input.addEventListener('input', () => this.refresh())
    input.addEventListener('keydown', (ev) => this.onKey(ev))
    el.addEventListener('keydown', (ev) => this.onKey(ev))
  }

  refreshSoon () {
    if (this.pending) return
    this.pending = requestAnimationFrame(() => { this.pending = null; this.refresh() })
  }

  refresh () {
    // A live refresh (a new version, a flag) must not take the keyboard out of the list.
    const focused = this.el.contains(document.activeElement) ? document.activeElement.dataset.id : null
    this.render()
    if (focused) this.el.querySelector(`li.doc[data-id="${CSS.escape(focused)}"]`)?.focus()
  }

  render () {
    const q = this.input.value
    const store = this.app.store
    const user = store.user || { topics: [] }
    const mine = new Set(user.topics || [])
    const metas = store.visible()
    clear(this.el)
    if (q.trim()) {
      const hits = this.app.search.query(q)
      const list = h('ul.doclist.results#results', { role: 'listbox', 'aria-label': t('results', { n: hits.length }) })
      for (const hit of hits) {
        const e = store.docs.get(hit.id)
        if (e && e.meta) list.append(this.item(e.meta, snippet(store.text(hit.id), hit.terms, e.meta.title)))
      }
      this.el.append(h('p.count', {}, hits.length ? t('results', { n: hits.length }) : t('noResults', { q })), list)
      this.select(0)
      return
    }
    const toggle = h('div.topic-toggle', { role: 'group' },
      h('button#topics-mine', { 'aria-pressed': String(!this.app.showAll), onclick: () => this.setAll(false) }, t('myTopics')),
      h('button#topics-all', { 'aria-pressed': String(this.app.showAll), onclick: () => this.setAll(true) }, t('allTopics')))
    this.el.append(toggle)
    const groups = new Map()
    for (const meta of metas) {
      for (const topic of (meta.topics.length ? meta.topics : ['general'])) {
        if (!this.app.showAll && mine.size && !mine.has(topic)) continue
        if (!groups.has(topic)) groups.set(topic, [])
        groups.get(topic).push(meta)
      }
    }
    const order = [...groups.keys()].sort((a, b) => (mine.has(b) - mine.has(a)) || topicLabel(a).localeCompare(topicLabel(b)))
    const list = h('ul.doclist#doclist', { role: 'listbox', 'aria-label': t('allTopics') })
    for (const topic of order) {
      // A topic with a watch setting of the user's own says which (set on the watch screen).
      const level = this.app.watches.level('topic', topic)
      const watched = level ? h('span.topic-watch', { title: t('watchTopicMenu', { topic: topicLabel(topic) }) }, icon('eye'), levelWord(level, readsPublishedOnly(store, 'topic', topic), true)) : null
      list.append(h('li.topic', { role: 'presentation' }, topicLabel(topic), watched))
      for (const meta of groups.get(topic).sort((a, b) => a.title.localeCompare(b.title))) list.append(this.item(meta))
    }
    this.el.append(list)
    if (!mine.size || this.app.showAll) toggle.hidden = !mine.size
    this.markOpen(this.app.openId)
  }

  setAll (all) {
    this.app.showAll = all
    localStorage.setItem('kmdesk.showAll', all ? '1' : '0')
    this.refresh()
  }

  item (meta, snip = null) {
    const bits = trustBits(this.app.store, meta)
    const badge = bits.flags ? h('span.badge.flag', { title: t('openFlags', { n: bits.flags }) }, icon('flag'), String(bits.flags)) : null
    const draft = meta.status !== 'published' ? h('span.badge.status', {}, t('status_' + meta.status)) : null
    return h('li.doc', {
      role: 'option', tabindex: '-1', dataset: { id: meta.id },
      onclick: () => this.app.openDoc(meta.id)
    },
    h('span.title', {}, meta.title), badge, draft,
    snip ? h('span.snippet', {}, snip) : h('span.sub', {}, fmtDate(meta.updated_at)))
  }

  items () { return [...this.el.querySelectorAll('li.doc')] }

  select (i) {
    const items = this.items()
    items.forEach((el, j) => el.setAttribute('aria-selected', String(i === j)))
    if (items[i]) items[i].scrollIntoView({ block: 'nearest' })
    this.index = i
  }

  onKey (ev) {
    const items = this.items()
    if (!items.length) return
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault()
      const cur = this.index ?? -1
      const next = ev.key === 'ArrowDown' ? Math.min(items.length - 1, cur + 1) : Math.max(0, cur - 1)
      this.select(next)
      if (document.activeElement !== this.input) items[next].focus()
    } else if (ev.key === 'Enter') {
      const el = items[this.index ?? 0]
      if (el) { ev.preventDefault(); this.app.openDoc(el.dataset.id) }
    }
  }

  markOpen (id) {
    for (const el of this.items()) el.classList.toggle('open', el.dataset.id === id)
  }

  focusList () {
    const items = this.items()
    if (items.length) { this.select(Math.max(0, this.index ?? 0)); items[this.index].focus() }
  }
}

function snippet (text, terms, title) {
  const flat = readable(text, title)
  const lower = flat.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')
  const at = Math.max(0, Math.min(...(terms || []).map((w) => lower.indexOf(w)).filter((i) => i >= 0), flat.length))
  const start = Math.max(0, at - 40)
  return (start ? '…' : '') + flat.slice(start, start + 120) + '…'
}
