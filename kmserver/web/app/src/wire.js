// The /ws envelope (docs/protocol.md): binary frames are
// varString(stream) + y-protocols message; JSON text frames are control messages.
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

export const SYNC = 0
export const AWARENESS = 1
export const STEP1 = 0
export const STEP2 = 1
export const UPDATE = 2

export const publishedStream = (docId) => `${docId}@published`

export function parseStream (name) {
  return name.endsWith('@published')
    ? { doc: name.slice(0, -'@published'.length), published: true }
    : { doc: name, published: false }
}

function wrap (stream, write) {
  const enc = encoding.createEncoder()
  encoding.writeVarString(enc, stream)
  write(enc)
  return encoding.toUint8Array(enc)
}

export const syncUpdate = (stream, update) => wrap(stream, (enc) => {
  encoding.writeVarUint(enc, SYNC)
  encoding.writeVarUint(enc, UPDATE)
  encoding.writeVarUint8Array(enc, update)
})

export const syncStep1 = (stream, stateVector) => wrap(stream, (enc) => {
  encoding.writeVarUint(enc, SYNC)
  encoding.writeVarUint(enc, STEP1)
  encoding.writeVarUint8Array(enc, stateVector)
})

export const awareness = (stream, update) => wrap(stream, (enc) => {
  encoding.writeVarUint(enc, AWARENESS)
  encoding.writeVarUint8Array(enc, update)
})

/** { stream, type, step, payload } of one binary frame. */
export function unwrap (bytes) {
  const dec = decoding.createDecoder(bytes)
  const stream = decoding.readVarString(dec)
  const type = decoding.readVarUint(dec)
  if (type === SYNC) {
    const step = decoding.readVarUint(dec)
    return { stream, type, step, payload: decoding.readVarUint8Array(dec) }
  }
  return { stream, type, step: null, payload: decoding.readVarUint8Array(dec) }
}

// A lowercase uuid4 (crypto.randomUUID exists only in secure contexts; an
// intranet server on plain http is not one).
export function uuid () {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export function toBase64 (bytes) {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}
