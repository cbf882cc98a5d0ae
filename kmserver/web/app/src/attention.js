// Must-reads and broadcasts (docs/protocol.md, section 6), from the records the page
// holds: the server sends a user only those meant for them, so no audience check here.
const SEVERITY = { critical: 0, warning: 1, info: 2 }

/** The newest must-read revision of each document, waiting ones first, overdue first. */
export function mustReads (store) {
  const acked = new Map() // doc -> highest acknowledged rev
  const opened = new Set()
  for (const rec of store.records.values()) {
    if (rec.kind !== 'ack' || rec.deleted || !rec.doc) continue
    if (rec.data.acked_at) acked.set(rec.doc, Math.max(acked.get(rec.doc) || 0, rec.data.rev))
    if (rec.data.opened_at) opened.add(rec.id)
  }
  const newest = new Map()
  for (const rec of store.records.values()) {
    if (rec.kind !== 'must_read' || rec.deleted || !store.docs.get(rec.doc)?.meta) continue
    const have = newest.get(rec.doc)
    if (!have || rec.data.rev > have.data.rev) newest.set(rec.doc, rec)
  }
  const now = Date.now()
  const items = [...newest.values()].map((rec) => {
    const meta = store.docs.get(rec.doc).meta
    const due = rec.data.due ? new Date(rec.data.due) : null
    const done = (acked.get(rec.doc) || 0) >= rec.data.rev
    // What this user acknowledged before (an earlier must-read of the same document).
    const base = [...acked.entries()].find(([doc]) => doc === rec.doc)?.[1] || null
    return {
      id: rec.id,
      doc: rec.doc,
      rev: rec.data.rev,
      title: meta.title,
      note: rec.data.note || '',
      by: rec.data.by,
      due,
      overdue: !done && due !== null && due.getTime() < now,
      opened: opened.has(rec.id),
      acknowledged: done,
      previous: base !== null && base < rec.data.rev ? base : null
    }
  })
  return items.sort((a, b) => (a.acknowledged - b.acknowledged) || (b.overdue - a.overdue) ||
    ((a.due ? a.due.getTime() : Infinity) - (b.due ? b.due.getTime() : Infinity)))
}

export function mustReadOf (store, docId) {
  return mustReads(store).find((m) => m.doc === docId) || null
}

/** Broadcasts to show now: not ended, not expired by this computer's clock. */
export function activeBroadcasts (store, hidden = new Set()) {
  const now = Date.now()
  const out = []
  for (const rec of store.records.values()) {
    if (rec.kind !== 'broadcast' || rec.deleted) continue
    const d = rec.data
    if (d.ended_at || (d.expires_at && new Date(d.expires_at).getTime() <= now)) continue
    if (hidden.has(rec.id) && d.severity !== 'critical') continue
    out.push(rec)
  }
  return out.sort((a, b) => (SEVERITY[a.data.severity] ?? 2) - (SEVERITY[b.data.severity] ?? 2) ||
    b.seq - a.seq)
}
