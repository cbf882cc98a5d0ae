// The trust line's facts about a document: verified, due or overdue for review, open flags.
import { t, ago, fmtDate } from './i18n.js'

export function trustBits (store, meta) {
  const flags = store.openFlags(meta.id).length
  const due = meta.review_due ? new Date(meta.review_due) : null
  const overdue = due && due.getTime() < Date.now()
  const dueDays = due ? Math.ceil((due.getTime() - Date.now()) / 86400000) : null
  return { flags, overdue, dueDays, due }
}

export function trustParts (store, meta) {
  const b = trustBits(store, meta)
  const parts = []
  if (meta.verified_at) parts.push({ kind: 'ok', text: t(meta.verified_by ? 'verified' : 'verifiedNobody', { ago: ago(meta.verified_at), who: meta.verified_by }) })
  else if (meta.status === 'published') parts.push({ kind: 'muted', text: t('notVerified') })
  if (b.overdue) parts.push({ kind: 'warn', text: t('overdue', { date: fmtDate(meta.review_due) }) })
  else if (b.dueDays !== null && b.dueDays <= 14) parts.push({ kind: 'muted', text: t('dueIn', { n: b.dueDays }) })
  if (b.flags) parts.push({ kind: 'flag', text: t('openFlags', { n: b.flags }) })
  return parts
}
