// bench/merge-docxtemplater.js - the peer of `crmgate merge` in bench/merge.sh:
// docxtemplater fills TEMPLATE.docx once per record of DATA.json (an array, the
// values already formatted as crmgate prints them) and writes CODE.docx into OUTDIR.
//
//   NODE_PATH=DIR/node_modules node bench/merge-docxtemplater.js TEMPLATE.docx DATA.json OUTDIR
//
// Its best case: the template is read once, the data is in memory, and only
// the render and the writing of each document are left.
'use strict';
const fs = require('fs');
const path = require('path');
const PizZip = require('pizzip');
const Docxtemplater = require('docxtemplater');

const [template, data, outdir] = process.argv.slice(2);
if (!outdir) {
	console.error('usage: node merge-docxtemplater.js TEMPLATE.docx DATA.json OUTDIR');
	process.exit(2);
}

// customer.name: a dotted name walks into the scope; docxtemplater tries the
// enclosing scopes (the order, outside {{#lines}}) when this one has no value
function parser(tag) {
	const keys = tag === '.' ? [] : tag.split('.');
	return {
		get(scope) {
			let v = scope;
			for (const k of keys) {
				if (v === null || v === undefined) return undefined;
				v = v[k];
			}
			return v;
		},
	};
}

const options = {
	delimiters: { start: '{{', end: '}}' },
	paragraphLoop: true,
	parser,
	nullGetter: () => '', // as crmgate: a missing value prints nothing
};

const bytes = fs.readFileSync(template);
const records = JSON.parse(fs.readFileSync(data, 'utf8'));
fs.mkdirSync(outdir, { recursive: true });
for (const rec of records) {
	const doc = new Docxtemplater(new PizZip(bytes), options);
	doc.render(rec);
	const out = doc.getZip().generate({ type: 'nodebuffer', compression: 'DEFLATE' });
	fs.writeFileSync(path.join(outdir, `${rec.code}.docx`), out, { flag: 'wx' });
}
