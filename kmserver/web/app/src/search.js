// Search as you type over what the page holds (so it answers offline too),
// with the desktop's rules (docs/search.md): accents folded, the last word a
// prefix, one typo in words of 4+ letters and two in words of 8+, the first
// letter right; title matches weigh more.
import MiniSearch from 'minisearch'

const LIGATURES = { æ: 'ae', œ: 'oe', ø: 'o', ß: 'ss', ł: 'l', đ: 'd' }

export function fold (text) {
  return text.toLowerCase().replace(/[æœøßłđ]/g, (c) => LIGATURES[c])
    .normalize('NFD').replace(/\p{M}/gu, '')
}

export function plain (markdown) {
  return markdown.replace(/```[\s\S]*?```/g, ' ').replace(/[#>*_`|[\]()-]+/g, ' ')
}

// What a result's snippet shows: the words a reader sees, not Markdown's marks
// (a search hit reads like text, as in the help centre), and not the title again
// when the article opens with it.
export function readable (markdown, title = '') {
  const lines = markdown.replace(/```[\s\S]*?```/g, ' ').split('\n').map((line) => line
    .replace(/^\s{0,3}#{1,6}\s+/, '') // heading marks
    .replace(/^\s*>\s?/, '') // a quote
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '') // list markers
    .replace(/^\s*\|?\s*:?-{3,}[-:|\s]*$/, '') // a table's rule
    .replace(/^\s*\|(.*?)\|?\s*$/, (_, cells) => cells.split('|').map((c) => c.trim()).filter(Boolean).join(', ') + ';')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their words
    .replace(/(\*\*|\*)(?=\S)(.+?)(?<=\S)\1/g, '$2') // emphasis with stars
    .replace(/(^|[^\p{L}\p{N}_])(__|_)(?=\S)(.+?)(?<=\S)\2(?![\p{L}\p{N}_])/gu, '$1$3') // with _ (not snake_case)
    .replace(/`([^`]*)`/g, '$1'))
  let text = lines.join(' ').replace(/\s+/g, ' ').trim()
  if (title && text.toLowerCase().startsWith(title.toLowerCase() + ' ')) {
    text = text.slice(title.length + 1)
  }
  return text
}

const maxEdits = (term) => (term.length >= 8 ? 2 : term.length >= 4 ? 1 : 0)

export class Search {
  constructor () {
    this.index = new MiniSearch({
      fields: ['title', 'body', 'topics'],
      storeFields: [],
      tokenize: (text) => text.split(/[^\p{L}\p{N}]+/u).filter((w) => w && w.length <= 40),
      processTerm: (term) => fold(term),
      searchOptions: { boost: { title: 3, topics: 1.5 }, combineWith: 'AND' },
      // remove() with the indexed fields instead of discard(): the background
      // vacuum that discard() needs broke its own iteration under our updates.
      autoVacuum: false
    })
    this.docs = new Map() // id -> the fields as indexed
  }

  put (id, title, topics, body) {
    const doc = { id, title, topics: topics.join(' '), body: plain(body) }
    const old = this.docs.get(id)
    if (old && old.title === doc.title && old.topics === doc.topics && old.body === doc.body) return
    if (old) this.index.remove(old)
    this.index.add(doc)
    this.docs.set(id, doc)
  }

  drop (id) {
    const old = this.docs.get(id)
    if (old) { this.index.remove(old); this.docs.delete(id) }
  }

  query (q, limit = 30) {
    const terms = q.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    if (!terms.length) return []
    const typing = !/\s$/.test(q)
    const last = fold(terms[terms.length - 1])
    return this.index.search(q, {
      prefix: (term) => typing && term === last && term.length >= 2,
      // MiniSearch's fuzzy is an edit distance here; the first letter is checked below.
      fuzzy: (term) => maxEdits(term)
    }).filter((hit) => Object.keys(hit.match).length > 0 && firstLettersRight(hit, terms)).slice(0, limit)
  }
}

// A typo never changes a word's first letter (the desktop's rule): "parking" must
// not find "marking".
function firstLettersRight (hit, terms) {
  const wanted = new Set(terms.map((t) => fold(t)[0]))
  return Object.keys(hit.match).every((term) => wanted.has(term[0]))
}
