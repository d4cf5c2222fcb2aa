// Swagger UI end to end (issue 4, "OpenAPI and Swagger UI"): a real member started through
// startEtcd serves /docs; headless Chromium (Debian's, driven by playwright-core) opens it,
// runs KV_Put and then KV_Range through "Try it out" with the documented examples, and the
// answers shown in the page must be etcd's: 200, a header with a revision, the value written.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { newLoopbackConfig } from '../../src/embed/config.js'
import { startEtcd, type Etcd } from '../../src/embed/etcd.js'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run']

/** Expands an operation, runs its example through Try it out / Execute, returns the status and body shown. */
async function tryItOut (page: Page, operationId: string): Promise<{ status: string, body: string }> {
  const op = page.locator(`#operations-KV-${operationId}`)
  await op.locator('.opblock-summary').first().click()
  // Try it out is on by default (tryItOutEnabled); press the button only if it is not.
  const btn = op.locator('.try-out__btn')
  if ((await btn.innerText()).trim() === 'Try it out') await btn.click()
  const text = op.locator('textarea.body-param__text')
  await text.waitFor()
  assert.notEqual((await text.inputValue()).trim(), '', `${operationId}: the example body is filled in`)
  await op.locator('button.execute').click()
  const status = op.locator('.live-responses-table .response .response-col_status').first()
  await status.waitFor({ timeout: 15_000 })
  const body = op.locator('.live-responses-table .response-col_description pre').first()
  await body.waitFor()
  return { status: (await status.innerText()).trim(), body: await body.innerText() }
}

describe('Swagger UI in headless Chromium', () => {
  let etcd: Etcd
  let url: string
  let dir: string
  let browser: Browser
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'etcd-ts-swagger-'))
    etcd = await startEtcd(newLoopbackConfig(join(dir, 'data')))
    url = etcd.clientURLs[0] as string
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs })
  })
  after(async () => {
    await browser?.close()
    await etcd?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the document and runs a put and a range through try-it-out', { timeout: 90_000 }, async () => {
    const page = await browser.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(`${url}/docs/`)
    await page.locator('#operations-KV-KV_Put').waitFor()
    assert.match(await page.locator('.info').innerText(), /base64/)
    // the Authorize button comes from the Authorization security scheme
    assert.equal(await page.locator('button.authorize').count(), 1)

    const put = await tryItOut(page, 'KV_Put')
    assert.equal(put.status, '200', put.body)
    assert.match(put.body, /"revision": "2"/)

    const range = await tryItOut(page, 'KV_Range')
    assert.equal(range.status, '200', range.body)
    assert.match(range.body, /"key": "Zm9v"/)
    assert.match(range.body, /"value": "YmFy"/)
    assert.match(range.body, /"count": "1"/)

    // the /v3beta alias is served but not documented
    assert.equal(await page.locator('[id^="operations-"][id*="v3beta"]').count(), 0)
    const doc = await (await fetch(`${url}/openapi.json`)).json() as { paths: Record<string, unknown> }
    assert.ok('/v3/kv/put' in doc.paths)
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/v3beta')))
    await page.close()
  })
})
