// A stock Yjs client (y-websocket's WebsocketProvider) driven by JSON lines on stdin.
// Used by tests/server/test_y_route.py; modules come from benchmarks/node_modules (NODE_PATH).
const Y = require('yjs')
const { WebsocketProvider } = require('y-websocket')
const WebSocket = require('ws')
const readline = require('readline')

const [serverUrl, room, token] = process.argv.slice(2)
const doc = new Y.Doc()
const text = doc.getText('body')
const provider = new WebsocketProvider(serverUrl, room, doc, {
  WebSocketPolyfill: WebSocket,
  params: { token },
  connect: true,
})
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
provider.on('sync', (synced) => { if (synced) out({ event: 'synced', text: text.toString() }) })
provider.on('connection-close', (ev) => out({ event: 'closed', code: ev && ev.code }))
provider.on('status', (ev) => out({ event: 'status', status: ev.status }))
// y-websocket reports y-protocols' permission-denied message only with console.warn
const warn = console.warn
console.warn = (...args) => {
  const text = String(args[0])
  if (text.startsWith('Permission denied')) out({ event: 'denied', text })
  else warn(...args)
}
provider.awareness.setLocalStateField('user', { name: 'node', color: '#d33' })

const waiters = []
text.observe(() => {
  for (const w of waiters.splice(0)) {
    if (text.toString().includes(w)) out({ event: 'contains', text: text.toString() })
    else waiters.push(w)
  }
})

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line)
  if (cmd.op === 'insert') { text.insert(cmd.index, cmd.text); out({ event: 'inserted' }) }
  else if (cmd.op === 'wait') {
    if (text.toString().includes(cmd.contains)) out({ event: 'contains', text: text.toString() })
    else waiters.push(cmd.contains)
  } else if (cmd.op === 'quit') { provider.destroy(); process.exit(0) }
})
