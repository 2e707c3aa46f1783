// tests/survey/form_browser.js - a person answering a survey link in
// Debian's headless Chromium, driven by playwright-core (no downloaded
// browser), for tests/survey/test_browser.c:
//
//   node form_browser.js URL SCREENSHOT_DIR
//
// Opens the link (as a Chinese reader), answers some questions but not the
// required first one and submits: the form comes back with the error beside
// question 1 and every answer kept; answers question 1 and submits: thanks;
// opens the link again: already answered. Markup typed into the free text
// must come back as text, never run (a dialog fails the run). Prints one
// line per step; exits 1 with the reason on the first thing that is not as
// expected. Only 127.0.0.1 is reached (--host-resolver-rules).
'use strict';
const { chromium } = require('playwright-core');

const [url, shots] = process.argv.slice(2);
if (!url || !shots) {
	console.error('usage: node form_browser.js URL SCREENSHOT_DIR');
	process.exit(2);
}

const SCRIPT = '<script>alert(1)</script><b>好</b>';

function expect(cond, what) {
	if (!cond)
		throw new Error(what);
}

(async () => {
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
		       '--disable-component-update', '--disable-sync',
		       '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost'],
	});
	let failed = null;
	try {
		const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: true });
		const page = await context.newPage();
		page.setDefaultTimeout(20000);
		page.on('dialog', async (d) => {
			failed = failed || new Error('a dialog opened: ' + d.message());
			await d.dismiss();
		});

		// 1. the form, as the link opens it
		let res = await page.goto(url);
		expect(res.status() === 200, 'the link answered ' + res.status());
		expect((await page.title()) === '客户满意度调查', 'the title is ' + (await page.title()));
		expect((await page.locator('html').getAttribute('lang')) === 'zh-CN', 'not a Chinese page');
		console.log('opened: ' + (await page.locator('h1').innerText()));

		// 2. answers, but not the required question 1
		await page.getByLabel('A. 软件').check();
		await page.getByLabel('C. 其他').check();
		await page.getByLabel('请注明 (C)').fill('云服务');
		await page.locator('input[name="q3"][value="4"]').check();
		await page.getByLabel('4. 您每年的采购预算（万元）').fill('12.5');
		await page.getByLabel('5. 您还有什么建议？').fill(SCRIPT);
		await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交' }).click()]);
		await page.screenshot({ path: shots + '/1-missing.png', fullPage: true });
		const error = page.locator('#q1-error');
		expect(await error.isVisible(), 'no error beside question 1');
		expect((await error.innerText()).trim() === '请回答这道题。', 'the error says ' + (await error.innerText()));
		expect((await page.locator('#q1').getAttribute('aria-describedby')) === 'q1-error',
		       'question 1 does not name its error');
		expect(await page.getByLabel('A. 软件').isChecked(), 'answer 2A was lost');
		expect(await page.getByLabel('C. 其他').isChecked(), 'answer 2C was lost');
		expect(!(await page.getByLabel('B. 硬件').isChecked()), 'answer 2B appeared');
		expect((await page.getByLabel('请注明 (C)').inputValue()) === '云服务', 'the other text was lost');
		expect(await page.locator('input[name="q3"][value="4"]').isChecked(), 'the rating was lost');
		expect((await page.getByLabel('4. 您每年的采购预算（万元）').inputValue()) === '12.5', 'the number was lost');
		expect((await page.getByLabel('5. 您还有什么建议？').inputValue()) === SCRIPT,
		       'the free text came back as ' + (await page.getByLabel('5. 您还有什么建议？').inputValue()));
		expect((await page.locator('script').count()) === 0, 'a script element is on the page');
		console.log('missing answer: ' + (await error.innerText()).trim() + ', answers kept');

		// 3. question 1 answered: thanks
		await page.getByLabel('B. 满意').check();
		await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交' }).click()]);
		await page.screenshot({ path: shots + '/2-thanks.png', fullPage: true });
		expect((await page.locator('h2').innerText()) === '谢谢！', 'no thanks: ' + (await page.content()));
		console.log('submitted: ' + (await page.locator('h2').innerText()));

		// 4. the link again
		res = await page.goto(url);
		expect(res.status() === 200, 'the link again answered ' + res.status());
		await page.screenshot({ path: shots + '/3-again.png', fullPage: true });
		expect((await page.locator('h2').innerText()) === '已经回答过了', 'not already answered: ' + (await page.content()));
		expect((await page.locator('form').count()) === 0, 'the form is shown again');
		console.log('again: ' + (await page.locator('h2').innerText()));
		if (failed)
			throw failed;
	} catch (e) {
		console.error('form_browser: ' + e.message);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
})();
