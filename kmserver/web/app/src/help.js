// The public help centre's only script: search as you type, and an open
// article (or the index) that stays live when a new revision is published.
// The pages work without it.
const body = document.body

function liveSocket () {
  const live = body.dataset.live
  if (live === undefined) return
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const query = live ? `?article=${encodeURIComponent(live)}` : ''
  let delay = 1000
  const connect = () => {
    const ws = new WebSocket(`${proto}//${location.host}/help/live${query}`)
    ws.onopen = () => { delay = 1000 }
    ws.onmessage = (ev) => onMessage(JSON.parse(ev.data))
    ws.onclose = (ev) => {
      if (ev.code === 1008) return
      setTimeout(connect, delay)
      delay = Math.min(30000, delay * 2)
    }
  }
  connect()
}

async function onMessage (msg) {
  const notice = document.getElementById('notice')
  if (msg.type === 'gone' && notice) {
    notice.textContent = notice.dataset.gone
    notice.hidden = false
    document.getElementById('article')?.classList.add('stale')
    return
  }
  if (msg.type !== 'changed' && msg.type !== 'index') return
  const r = await fetch(location.pathname + location.search, { headers: { Accept: 'text/html' } })
  if (!r.ok) return
  const doc = new DOMParser().parseFromString(await r.text(), 'text/html')
  const fresh = doc.querySelector('main')
  const main = document.querySelector('main')
  if (!fresh || !main) return
  const old = new Set([...main.querySelectorAll('#article > *')].map((el) => el.textContent))
  main.replaceWith(fresh)
  document.title = doc.title
  for (const el of fresh.querySelectorAll('#article > *')) if (!old.has(el.textContent)) el.classList.add('changed')
  const note = document.getElementById('notice')
  if (note && msg.type === 'changed') { note.textContent = note.dataset.changed; note.hidden = false }
}

function searchAsYouType () {
  const input = document.querySelector('form.search input[name=q]')
  if (!input) return
  let timer = null
  let seq = 0
  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(async () => {
      const q = input.value
      const mine = ++seq
      const r = await fetch(`/help/search?part=results&q=${encodeURIComponent(q)}`)
      if (!r.ok || mine !== seq) return
      const html = await r.text()
      let box = document.getElementById('results')
      if (!box) {
        const main = document.querySelector('main')
        main.replaceChildren()
        box = document.createElement('div')
        main.append(box)
      }
      const doc = new DOMParser().parseFromString(html, 'text/html')
      box.replaceWith(doc.getElementById('results'))
      history.replaceState(null, '', q ? `/help/search?q=${encodeURIComponent(q)}` : '/help/')
    }, 120)
  })
}

liveSocket()
searchAsYouType()
