// Screenshot + axe of the read pages (a scratch script, not committed).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, email, password, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
if (email && email !== '-') {
  await page.goto(base + '/sign-in');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  console.log('signed in ->', page.url());
}
for (const p of paths) {
  const resp = await page.goto(base + p);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => window.axe ? await window.axe.run() : null);
  const name = p.replace(/[^a-zA-Z0-9]+/g, '_');
  await page.screenshot({ path: `/tmp/wp-shots/${name}.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `/tmp/wp-shots/${name}_print.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  const v = result ? result.violations : [{ id: 'axe-not-run' }];
  console.log(resp.status(), p, 'axe violations:', v.length, v.map(x => `${x.id}: ${x.nodes.length} ${x.nodes.slice(0,2).map(n=>n.target.join(' ')).join(' | ')}`).join('; '));
}
await browser.close();
