// A whole quarter through the browser (issue 13), on the demo council with a simulated clock:
// entry, refusal for missing commentary, sign-off, send back, amendment, the four-eyes refusal,
// a reminder and an escalation as the clock passes a deadline, and the auditor's history — with
// axe-core run on every page shown, a screenshot of each, and the key steps again with
// JavaScript turned off. Also the security checks: escaping, CSRF, session rotation and reuse
// after sign-out, another service's pages refused, no password in any log line.
//
//   node quarter.test.mjs --bin build/test/bin/goldthread --screenshots build/test/web-screenshots
import assert from 'node:assert/strict'
import { launch, axeViolations } from './browser.mjs'
import { args, startDemo } from './harness.mjs'
import { execFileSync } from 'node:child_process'

const opts = args()
const screenshots = opts.screenshots || '/tmp/goldthread-web-screenshots'
const env = await startDemo({ bin: opts.bin, today: '2026-10-06', start: '2026-10-06T09:00:00Z', screenshots })
const browser = await launch()
const violations = []
let shot = 0

async function look (page, name) {
  // axe runs in the page, so only where JavaScript is on (every page is also seen with it on).
  if (page.javaScript !== false) {
    const v = await axeViolations(page)
    for (const x of v) violations.push({ page: name, url: page.url(), ...x })
  }
  await page.screenshot({ path: `${screenshots}/${String(++shot).padStart(2, '0')}-${name}.png`, fullPage: true })
}

async function person (role, { javaScript = true } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 1100, height: 900 } })
  const page = await context.newPage()
  page.javaScript = javaScript
  page.on('dialog', (d) => { throw new Error(`a dialog opened: ${d.message()} (script ran from data)`) })
  const { email, password } = env.accounts[role]
  await page.goto(env.base + '/sign-in')
  await look(page, `sign-in-${role.replace(/ /g, '-')}`)
  await page.fill('#email', email)
  await page.fill('#password', password)
  await page.click('button:has-text("Sign in")')
  assert.match(page.url(), /\/my-work$/, `${role} lands on My work`)
  return { context, page }
}

// Presses Tab until the element matching `selector` has the focus (keyboard-only use).
async function tabTo (page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    // A selector, not page.evaluate: it works with the page's JavaScript turned off too.
    if (await page.locator(`${selector}:focus`).count() > 0) return
  }
  throw new Error(`Tab never reached ${selector}`)
}

function slug (s) { return s.replace(/[^a-z0-9]+/gi, '-').toLowerCase() }

// A value the indicator rates red: far on the wrong side of its target.
async function redValueFor (page) {
  const polarity = (await page.locator('dt:has-text("Better is") + dd').innerText()).trim()
  const target = parseFloat((await page.locator('#target').innerText()).replace(/[^0-9.\-]/g, ''))
  return polarity.includes('lower') ? String(Math.round(target * 2 + 10)) : String(Math.max(0, Math.round(target * 0.3)))
}

async function submitFigure (page, figure, { commentary, expectRefused = false }) {
  await page.goto(`${env.base}/figures/${figure}`)
  const value = await redValueFor(page)
  await page.fill('#value', value)
  await page.click('button:has-text("Check the rating first")')
  assert.match(await page.locator('#rag-preview').innerText(), /red/i, `${figure}: ${value} is shown as red before submitting`)
  await look(page, `enter-${slug(figure)}-preview`)
  if (commentary !== undefined) await page.fill('#commentary', commentary)
  const before = await env.head()
  await page.click('button:has-text("Submit figure")')
  if (expectRefused) {
    await page.locator('.govuk-error-summary').waitFor()
    assert.match(await page.locator('.govuk-error-summary').innerText(), /commentary/i)
    assert.equal((await env.head()).position, before.position, 'a refused figure writes nothing')
    await look(page, `enter-${slug(figure)}-refused`)
  } else {
    assert.match(page.url(), /\/history\?saved=submitted$/, `${figure} submitted`)
    await look(page, `history-${slug(figure)}-submitted`)
  }
  return value
}

try {
  // ---- the data entry officer: three figures due; two entered, the third left
  const officer = await person('data entry officer')
  await look(officer.page, 'my-work-officer')
  const due = await officer.page.locator('#my-work a').allInnerTexts()
  const figures = due.filter((t) => t.startsWith('submit ')).map((t) => t.replace(/^submit (\S+) for (\S+)$/, '$1/$2'))
  assert.ok(figures.length >= 3, `the officer has three figures to enter (has ${due.join('; ')})`)
  const [A, B, C] = figures

  await submitFigure(officer.page, A, { commentary: '<script>alert(1)</script> Staff vacancies' })
  assert.match(await officer.page.locator('table#history').innerText(), /FigureSubmitted/)
  await officer.page.goto(`${env.base}/figures/${A}`)
  assert.equal(await officer.page.locator('#current-commentary').innerText(), '<script>alert(1)</script> Staff vacancies',
    'commentary with markup is shown as text')
  await submitFigure(officer.page, B, { expectRefused: true })
  await submitFigure(officer.page, B, { commentary: '"><img src=x onerror=alert(2)> Backlog' })
  await officer.page.goto(`${env.base}/figures/${B}`)
  assert.equal(await officer.page.locator('img[src="x"]').count(), 0, 'no element is made from commentary')

  // CSRF: a POST without the token, and with a wrong one, is refused and writes nothing.
  const before = await env.head()
  for (const form of [{ value: '1', action: 'amend', reason: 'x' }, { value: '1', action: 'amend', reason: 'x', csrf_token: 'wrong' }]) {
    const r = await officer.page.request.post(`${env.base}/figures/${A}`, { form, maxRedirects: 0 })
    assert.equal(r.status(), 403, 'a form without the session CSRF token is refused')
  }
  assert.equal((await env.head()).position, before.position, 'a refused POST writes nothing')

  // Another service's sign-off page, and the trail: 403 pages, nothing written.
  const other = await officer.page.goto(`${env.base}/figures/HOU-01/FY2026-Q2/sign-off`)
  assert.equal(other.status(), 403, "another service's sign-off page is refused")
  await look(officer.page, 'forbidden')
  assert.equal((await env.head()).position, before.position)

  // Sign out; the old session cannot be used again.
  const cookies = await officer.context.cookies()
  await officer.page.click('button:has-text("Sign out")')
  assert.match(officer.page.url(), /\/sign-in/)
  await officer.context.addCookies(cookies)
  await officer.page.goto(`${env.base}/my-work`)
  assert.match(officer.page.url(), /\/sign-in\?next=/, 'a signed-out session is not accepted')

  // Session rotation: the cookie before sign-in is not the one after.
  const fresh = await browser.newContext()
  const p = await fresh.newPage()
  await p.goto(env.base + '/sign-in')
  const anonymous = (await fresh.cookies()).find((c) => c.name === 'gt_session').value
  await p.fill('#email', env.accounts['data entry officer'].email)
  await p.fill('#password', env.accounts['data entry officer'].password)
  await p.click('button:has-text("Sign in")')
  const signedIn = (await fresh.cookies()).find((c) => c.name === 'gt_session')
  assert.notEqual(signedIn.value, anonymous, 'the session id rotates at sign-in')
  assert.ok(signedIn.httpOnly && signedIn.sameSite === 'Lax', 'HttpOnly, SameSite=Lax')
  await fresh.close()

  // ---- the head of service: sign off A, send B back
  const hos = await person('service manager')
  await look(hos.page, 'my-work-head-of-service')
  await hos.page.goto(`${env.base}/figures/${A}/sign-off`)
  await look(hos.page, `sign-off-${slug(A)}`)
  await hos.page.check('#level-SIGN_OFF_LEVEL_SERVICE')
  await hos.page.click('button:has-text("Sign off")')
  assert.match(hos.page.url(), /saved=signed-off$/)
  await hos.page.goto(`${env.base}/figures/${B}/sign-off`)
  await hos.page.check('#level-SIGN_OFF_LEVEL_SERVICE')
  await hos.page.fill('#reason', 'Please check against the quarterly return')
  await hos.page.click('button:has-text("Send back")')
  assert.match(hos.page.url(), /saved=sent-back$/)

  // ---- the officer amends B
  const officer2 = await person('data entry officer')
  await officer2.page.goto(`${env.base}/figures/${B}`)
  assert.match(await officer2.page.locator('#sent-back').innerText(), /quarterly return/)
  await officer2.page.fill('#reason', 'Checked against the quarterly return')
  await officer2.page.click('button:has-text("Amend figure")')
  assert.match(officer2.page.url(), /saved=amended$/)

  // ---- the head of service amends B too, then may not sign off their own version
  await hos.page.goto(`${env.base}/figures/${B}`)
  await hos.page.fill('#reason', 'Rounded as the return does')
  await hos.page.click('button:has-text("Amend figure")')
  assert.match(hos.page.url(), /saved=amended$/)
  await hos.page.goto(`${env.base}/figures/${B}/sign-off`)
  await hos.page.check('#level-SIGN_OFF_LEVEL_SERVICE')
  const beforeOwn = await env.head()
  await hos.page.click('button:has-text("Sign off")')
  await hos.page.locator('.govuk-error-summary').waitFor()
  assert.match(await hos.page.locator('.govuk-error-summary').innerText(), /(four eyes|own|another person|different)/i,
    "the engine's four-eyes refusal is shown")
  assert.equal((await env.head()).position, beforeOwn.position, 'the refused sign-off wrote nothing')
  await look(hos.page, `sign-off-${slug(B)}-refused`)

  // ---- the clock passes C's deadline: a reminder, then escalations
  const deadline = await officer2.page.goto(`${env.base}/my-work`).then(() =>
    officer2.page.locator(`#my-work tr:has(a:text-is("submit ${C.replace('/', ' for ')}")) time`).getAttribute('datetime'))
  assert.ok(deadline, `${C} has a deadline`)
  const due_at = new Date(deadline)
  await env.advanceTo(new Date(due_at.getTime() + 3600e3).toISOString())
  await officer2.page.goto(`${env.base}/my-work`)
  const row = officer2.page.locator(`#my-work tr:has(a:text-is("submit ${C.replace('/', ' for ')}"))`)
  assert.match(await row.innerText(), /reminder/i, 'the officer sees the reminder')
  assert.match(await row.innerText(), /Overdue/)
  await look(officer2.page, 'my-work-officer-overdue')
  await env.advanceTo(new Date(due_at.getTime() + 40 * 86400e3).toISOString())
  await hos.page.goto(`${env.base}/my-work`)
  assert.match(await hos.page.locator('main').innerText(), new RegExp(`Escalated[^]*`), 'the head of service sees the escalation')
  await look(hos.page, 'my-work-head-of-service-escalated')
  const director = await person('director')
  const directorPage = await director.page.locator('main').innerText()
  assert.match(directorPage, new RegExp(`submit ${C.split('/')[0]}`), 'the escalation reaches the director')
  assert.match(directorPage, /Escalated to you/)
  await look(director.page, 'my-work-director')

  // ---- the auditor replays B's history: every step, with times
  const auditor = await person('auditor')
  await auditor.page.goto(`${env.base}/figures/${B}/history`)
  const history = await auditor.page.locator('table#history').innerText()
  for (const type of ['FigureSubmitted', 'FigureRejected', 'FigureAmended']) assert.match(history, new RegExp(type))
  assert.equal((history.match(/FigureAmended/g) || []).length, 2, 'both amendments')
  await look(auditor.page, `history-${slug(B)}-auditor`)
  await auditor.page.fill('#as_of_date', '2026-10-05')
  await auditor.page.click('button:has-text("Show")')
  assert.match(await auditor.page.locator('#as-of-note').innerText(), /5 October 2026/)
  assert.match(await auditor.page.locator('main').innerText(), /Nothing has been recorded/, 'as it stood before it was entered')

  // ---- an Audit Committee member (a councillor) downloads the trail: its seal is the log's head
  const member = await person('scrutiny member')
  await member.page.goto(`${env.base}/trail?period=FY2026-Q2`)
  await look(member.page, 'trail')
  assert.match(await member.page.locator('main').innerText(), /verified/i)
  const download = await member.page.request.get(`${env.base}/trail?period=FY2026-Q2&format=json`)
  assert.equal(download.status(), 200)
  const trail = JSON.parse(await download.text())
  const verify = execFileSync(opts.bin, ['verify', '--data-dir', env.data]).toString()
  const head = verify.match(/head hash ([0-9a-f]{64})/)[1]
  assert.equal(trail.verification.hashHex, head, "the trail's hash is goldthread verify's head hash")
  assert.equal(trail.verification.ok, true)

  // ---- keyboard only, and JavaScript off: sign in, enter a figure, sign it off
  const kb = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } })
  const kp = await kb.newPage()
  await kp.goto(env.base + '/sign-in')
  await tabTo(kp, '#email')
  await kp.keyboard.type(env.accounts['data entry officer'].email)
  await tabTo(kp, '#password')
  await kp.keyboard.type(env.accounts['data entry officer'].password)
  await kp.keyboard.press('Enter')
  await kp.waitForURL(/\/my-work$/)
  const kbFigures = (await kp.locator('#my-work a').allInnerTexts())
    .filter((t) => t.startsWith('submit ')).map((t) => t.replace(/^submit (\S+) for (\S+)$/, '$1/$2'))
    .filter((f) => f !== C)
  assert.ok(kbFigures.length >= 1, 'a figure left to enter by keyboard without JavaScript')
  const K = kbFigures[0]
  await kp.goto(`${env.base}/figures/${K}`)
  await tabTo(kp, '#value')
  await kp.keyboard.type('1')
  await tabTo(kp, '#commentary')
  await kp.keyboard.type('Entered with the keyboard only')
  await tabTo(kp, 'button[value="submit"]')
  await kp.keyboard.press('Enter')
  await kp.waitForURL(/saved=submitted$/)
  await kp.screenshot({ path: `${screenshots}/${String(++shot).padStart(2, '0')}-no-javascript-history.png`, fullPage: true })
  await kb.close()
  const kbHos = await browser.newContext({ javaScriptEnabled: false })
  const kh = await kbHos.newPage()
  await kh.goto(env.base + '/sign-in')
  await tabTo(kh, '#email')
  await kh.keyboard.type(env.accounts['service manager'].email)
  await tabTo(kh, '#password')
  await kh.keyboard.type(env.accounts['service manager'].password)
  await kh.keyboard.press('Enter')
  await kh.waitForURL(/\/my-work$/)
  await kh.goto(`${env.base}/figures/${K}/sign-off`)
  await tabTo(kh, '#level-SIGN_OFF_LEVEL_SERVICE')
  await kh.keyboard.press('Space')
  await tabTo(kh, 'button[value="sign_off"]')
  await kh.keyboard.press('Enter')
  await kh.waitForURL(/saved=signed-off$/)
  await kbHos.close()

  // ---- failed sign-ins are limited, with a clear message, and recorded
  const guess = await browser.newContext()
  const gp = await guess.newPage()
  for (let i = 0; i < 5; i++) {
    await gp.goto(env.base + '/sign-in')
    await gp.fill('#email', env.accounts['partnership board'].email)
    await gp.fill('#password', `wrong guess ${i}`)
    await gp.click('button:has-text("Sign in")')
    assert.match(await gp.locator('.govuk-error-summary').innerText(), /not right/)
  }
  await gp.goto(env.base + '/sign-in')
  await gp.fill('#email', env.accounts['partnership board'].email)
  await gp.fill('#password', env.accounts['partnership board'].password)
  await gp.click('button:has-text("Sign in")')
  assert.match(await gp.locator('.govuk-error-summary').innerText(), /Too many failed attempts[^]*minute/,
    'after five failures even the right password waits')
  await look(gp, 'sign-in-locked-out')
  await guess.close()
  const failures = await env.api('/api/v1/log?stream=demo/account/board-fraser')
  assert.equal(failures.status, 200, JSON.stringify(failures.body))
  assert.ok((JSON.stringify(failures.body).match(/SignInFailed/g) || []).length >= 6,
    'each failure, the locked-out attempt included, is an event in the log')
  const account = await env.api('/api/v1/log?stream=demo/account/entry-planning')
  assert.match(JSON.stringify(account.body), /PasswordSet[^]*SignedIn/)
  assert.ok(!JSON.stringify(account.body).includes('$argon2id$'), 'the log route never hands out a password hash')

  // ---- no password in any log line
  for (const [role, a] of Object.entries(env.accounts)) {
    assert.ok(!env.log().includes(a.password), `the ${role}'s password is not in serve's log`)
  }

  assert.deepEqual(violations, [], 'axe-core: no WCAG 2.2 AA violations on any page')
  console.log(`quarter: ok (${shot} pages checked with axe, screenshots in ${screenshots})`)
} catch (e) {
  console.error(e)
  console.error('serve log (last lines):\n' + env.log().split('\n').slice(-30).join('\n'))
  process.exitCode = 1
} finally {
  await browser.close()
  env.stop()
}
