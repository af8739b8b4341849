// Shared by the browser tests: Debian's Chromium driven by playwright-core (no browser is
// downloaded), and axe-core injected into pages to check WCAG 2.2 AA.
import { chromium } from 'playwright-core'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export async function launch () {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // The machine's network is closed: no background fetches, no first-run, no sandbox as root.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage']
  })
}

// Violations of WCAG 2.0/2.1/2.2 A and AA on the page as it is now.
export async function axeViolations (page) {
  // Through the debugging protocol, not a <script>: the pages' CSP (rightly) refuses inline script.
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }
    })
    return result.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))
  })
}

export async function signIn (page, base, email, password) {
  await page.goto(base + '/sign-in')
  await page.fill('#email', email)
  await page.fill('#password', password)
  await page.click('button:has-text("Sign in")')
}
