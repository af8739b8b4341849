// Starts a demo council on a simulated clock for the browser tests: `goldthread demo` into a
// fresh folder, an API token for moving the clock, then `goldthread serve --simulate`.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'

export function args () {
  const out = {}
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1]
  return out
}

async function freePort () {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
  })
}

// The demo people's e-mail addresses and passwords, by role, from demo-accounts.txt.
function readAccounts (file) {
  const accounts = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^\s+(.+?),\s+(\S+@\S+)\s+password (\S+)$/)
    if (m) accounts[m[1].replace(/ \(.*\)$/, '')] = { email: m[2], password: m[3] }
  }
  return accounts
}

export async function startDemo ({ bin, today, start, screenshots }) {
  const dir = mkdtempSync(join(tmpdir(), 'goldthread-web-'))
  const data = join(dir, 'data')
  execFileSync(bin, ['demo', '--data-dir', data, '--today', today], { stdio: 'pipe' })
  const accounts = readAccounts(join(data, 'demo-accounts.txt'))
  const token = execFileSync(bin, ['token', 'create', '--data-dir', data, '--person', 'admin-cole'],
    { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
  const port = await freePort()
  const server = spawn(bin, ['serve', '--data-dir', data, '--listen', `127.0.0.1:${port}`,
    '--simulate', '--simulate-start', start], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  server.stdout.on('data', (d) => { log += d })
  server.stderr.on('data', (d) => { log += d })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(base + '/healthz')
      if (r.ok) break
    } catch { }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (screenshots) {
    rmSync(screenshots, { recursive: true, force: true })  // only this run's pages
    mkdirSync(screenshots, { recursive: true })
  }
  return {
    base,
    data,
    accounts,
    log: () => log,
    async api (path, init = {}) {
      const r = await fetch(base + path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers || {}) }
      })
      return { status: r.status, body: await r.json().catch(() => null) }
    },
    async advanceTo (iso) {
      const r = await this.api('/api/v1/clock', { method: 'POST', body: JSON.stringify({ advanceTo: iso }) })
      if (r.status !== 200) throw new Error(`clock: ${r.status} ${JSON.stringify(r.body)}`)
    },
    async head () {
      const r = await this.api('/api/v1/log/verification?fresh=true')
      return { position: Number(r.body.headPosition), hash: r.body.headHash, ok: r.body.ok }
    },
    stop () { server.kill('SIGTERM') }
  }
}
