// In-memory Hocuspocus 2 server for benchmarks/edit_latency.py (target `hocuspocus`).
// No extensions: nothing is stored (no Database/SQLite/Redis extension, no
// onStoreDocument hook), no authentication hook (every token is accepted).
// HOST and PORT from the environment; prints its ready line once listening.
'use strict'
const { Server } = require('@hocuspocus/server')

const host = process.env.HOST || '127.0.0.1'
const port = parseInt(process.env.PORT || '1234', 10)

const server = Server.configure({
  address: host,
  port,
  quiet: true, // no start screen; the ready line below is what the benchmark waits for
  async onListen (data) {
    console.log(`hocuspocus running at '${host}' on port ${data.port}`)
  }
})

server.listen().catch((err) => {
  console.error(err)
  process.exit(1)
})
