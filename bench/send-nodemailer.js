// bench/send-nodemailer.js - the peer of bench/send.sh: nodemailer's pooled SMTP
// transport sending the same messages to the same smtp-sink.
//
//   node bench/send-nodemailer.js PORT CONNECTIONS RECIPIENTS.json ATTACHMENT FROM
//
// RECIPIENTS.json is an array of {code, name, email, customer} exported from the
// database beforehand (no database in its time: its best case). Each message is
// personalised like crmgate's: subject, text and HTML with the recipient's name,
// and the attachment (the same bytes for everyone, where crmgate fills a
// document per recipient). Every message is handed to the pool at once; the
// pool keeps CONNECTIONS connections and reuses each for every message.
// Prints "SENT FAILED SECONDS" when all have settled.
'use strict';
const fs = require('fs');
const nodemailer = require('nodemailer');

const [port, connections, recipientsFile, attachmentFile, from] = process.argv.slice(2);
const recipients = JSON.parse(fs.readFileSync(recipientsFile, 'utf8'));
const attachment = fs.readFileSync(attachmentFile);

const transport = nodemailer.createTransport({
	pool: true,
	host: '127.0.0.1',
	port: Number(port),
	secure: false,
	ignoreTLS: true,
	maxConnections: Number(connections),
	maxMessages: Infinity,
});

const t0 = process.hrtime.bigint();
let sent = 0;
let failed = 0;
const jobs = recipients.map((r) =>
	transport
		.sendMail({
			from,
			to: { name: r.name, address: r.email },
			subject: `致${r.name}`,
			text: `${r.name}，您好！\n\n${r.customer}的客户经理祝您生日快乐。\n`,
			html: `<p>${r.name}，您好！</p><p>${r.customer}的客户经理祝您生日快乐。</p>`,
			attachments: [{ filename: `bench-${r.code}.docx`, content: attachment }],
		})
		.then(
			() => sent++,
			(e) => {
				if (failed++ < 3) console.error(`${r.email}: ${e.message}`);
			},
		),
);
Promise.all(jobs).then(() => {
	const secs = Number(process.hrtime.bigint() - t0) / 1e9;
	transport.close();
	console.log(`${sent} ${failed} ${secs.toFixed(3)}`);
});
