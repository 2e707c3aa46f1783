/* tests/merge/word_fixture.h - a quote template written the way Word writes
 * one, and the records that fill it; shared by the fixture and LibreOffice
 * tests.
 *
 * The parts follow what Word 2016 saves (ECMA-376 part 1): revision ids on
 * every run and paragraph, spelling marks and bookmarks in the middle of a
 * placeholder, language changes, a smart tag, content controls, a text box
 * as mc:AlternateContent with its VML fallback, a header with a picture and
 * its own relationships, a footer with a PAGE field, footnotes and endnotes
 * with their separators, complex fields whose instruction is split over runs,
 * simple fields, switches, a repeating table row with a section nested in it,
 * a "no lines" row, and conditions over whole paragraphs. */
#ifndef TESTS_MERGE_WORD_FIXTURE_H
#define TESTS_MERGE_WORD_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/value.h"
#include "common/xalloc.h"
#include "merge/docx.h"
#include "merge/docx_zip.h"

#define WF_NS                                                                                                          \
	"xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "                                    \
	"xmlns:o=\"urn:schemas-microsoft-com:office:office\" "                                                         \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "                             \
	"xmlns:v=\"urn:schemas-microsoft-com:vml\" "                                                                   \
	"xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "                         \
	"xmlns:w10=\"urn:schemas-microsoft-com:office:word\" "                                                         \
	"xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "                                    \
	"xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" "                                          \
	"xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" mc:Ignorable=\"w14\""
#define WF_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
#define WF_A	"xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""
#define WF_REL	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define WF_CT	"application/vnd.openxmlformats-officedocument.wordprocessingml."

/* A complex field as Word writes it: begin, the instruction in pieces,
 * separate, the result (with its own formatting), end. */
#define WF_FIELD(instr_runs, result_rpr, result)                                                                       \
	"<w:r w:rsidR=\"00B21C3E\"><w:fldChar w:fldCharType=\"begin\"/></w:r>" instr_runs                              \
	"<w:r w:rsidR=\"00B21C3E\"><w:fldChar w:fldCharType=\"separate\"/></w:r>"                                      \
	"<w:r w:rsidR=\"00B21C3E\"><w:rPr>" result_rpr "<w:noProof/></w:rPr><w:t>" result "</w:t></w:r>"               \
	"<w:r w:rsidR=\"00B21C3E\"><w:fldChar w:fldCharType=\"end\"/></w:r>"
#define WF_INSTR(s) "<w:r w:rsidR=\"00B21C3E\"><w:instrText xml:space=\"preserve\">" s "</w:instrText></w:r>"

/* The text box's one paragraph, in the drawing and again in its fallback. */
#define WF_TXBX                                                                                                        \
	"<w:txbxContent><w:p w:rsidR=\"00C4D2F1\" w:rsidRDefault=\"00C4D2F1\"><w:r><w:rPr><w:rFonts "                  \
	"w:hint=\"eastAsia\"/></w:rPr><w:t>编号：</w:t></w:r><w:r><w:t>{{co</w:t></w:r>"                            \
	"<w:proofErr w:type=\"gramStart\"/><w:r><w:t>de}}</w:t></w:r><w:proofErr w:type=\"gramEnd\"/>"                 \
	"</w:p></w:txbxContent>"

static const char wf_png[] =
	"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
	"\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54\x78\x9c\x63\x38\xc0\xc0\x00\x00\x02\x44\x00"
	"\xc1\x93\x8c\x68\x22\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/* A part's text comes in pieces: C caps the length of one string literal. */
struct wf_part {
	const char *name;
	const char *pieces[6];
};

static const struct wf_part wf_parts[] = {
	{ "[Content_Types].xml",
	  { WF_DECL
	    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"png\" ContentType=\"image/png\"/>"
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/word/document.xml\" ContentType=\"" WF_CT "document.main+xml\"/>"
	    "<Override PartName=\"/word/styles.xml\" ContentType=\"" WF_CT "styles+xml\"/>"
	    "<Override PartName=\"/word/settings.xml\" ContentType=\"" WF_CT "settings+xml\"/>"
	    "<Override PartName=\"/word/footnotes.xml\" ContentType=\"" WF_CT "footnotes+xml\"/>"
	    "<Override PartName=\"/word/endnotes.xml\" ContentType=\"" WF_CT "endnotes+xml\"/>"
	    "<Override PartName=\"/word/header1.xml\" ContentType=\"" WF_CT "header+xml\"/>"
	    "<Override PartName=\"/word/footer1.xml\" ContentType=\"" WF_CT "footer+xml\"/>"
	    "<Override PartName=\"/docProps/core.xml\" "
	    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
	    "<Override PartName=\"/docProps/app.xml\" "
	    "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>" } },
	{ "_rels/.rels",
	  { WF_DECL
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId3\" Type=\"" WF_REL "extended-properties\" Target=\"docProps/app.xml\"/>"
	    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
	    "core-properties\" Target=\"docProps/core.xml\"/>"
	    "<Relationship Id=\"rId1\" Type=\"" WF_REL "officeDocument\" Target=\"word/document.xml\"/>"
	    "</Relationships>" } },
	{ "docProps/core.xml",
	  { WF_DECL "<cp:coreProperties "
		    "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
		    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
		    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>报价单</dc:title>"
		    "<dc:creator>市场部</dc:creator><dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-11-01T08:00:00Z"
		    "</dcterms:created></cp:coreProperties>" } },
	{ "docProps/app.xml",
	  { WF_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
		    "<Application>Microsoft Office Word</Application><Pages>1</Pages></Properties>" } },
	{ "word/_rels/document.xml.rels",
	  { WF_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		    "<Relationship Id=\"rId1\" Type=\"" WF_REL "styles\" Target=\"styles.xml\"/>"
		    "<Relationship Id=\"rId2\" Type=\"" WF_REL "settings\" Target=\"settings.xml\"/>"
		    "<Relationship Id=\"rId3\" Type=\"" WF_REL "footnotes\" Target=\"footnotes.xml\"/>"
		    "<Relationship Id=\"rId4\" Type=\"" WF_REL "endnotes\" Target=\"endnotes.xml\"/>"
		    "<Relationship Id=\"rId5\" Type=\"" WF_REL "header\" Target=\"header1.xml\"/>"
		    "<Relationship Id=\"rId6\" Type=\"" WF_REL "footer\" Target=\"footer1.xml\"/></Relationships>" } },
	{ "word/_rels/header1.xml.rels",
	  { WF_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		    "<Relationship Id=\"rId1\" Type=\"" WF_REL
		    "image\" Target=\"media/image1.png\"/></Relationships>" } },
	{ "word/styles.xml",
	  { WF_DECL
	    "<w:styles " WF_NS "><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme=\"minorHAnsi\" "
	    "w:eastAsia=\"宋体\"/><w:kern w:val=\"2\"/><w:sz w:val=\"21\"/><w:lang w:val=\"en-US\" "
	    "w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault></w:docDefaults>"
	    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/><w:qFormat/>"
	    "<w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:style>"
	    "<w:style w:type=\"character\" w:styleId=\"a7\"><w:name w:val=\"footnote reference\"/>"
	    "<w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr></w:style>"
	    "<w:style w:type=\"table\" w:styleId=\"a8\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblBorders>"
	    "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
	    "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/></w:tblBorders></w:tblPr>"
	    "</w:style></w:styles>" } },
	{ "word/settings.xml",
	  { WF_DECL "<w:settings " WF_NS "><w:zoom w:percent=\"100\"/><w:proofState w:spelling=\"clean\" "
		    "w:grammar=\"clean\"/><w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl "
		    "w:val=\"compressPunctuation\"/><w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/>"
		    "</w:footnotePr><w:endnotePr><w:endnote w:id=\"-1\"/><w:endnote w:id=\"0\"/></w:endnotePr>"
		    "<w:rsids><w:rsidRoot w:val=\"00A5127B\"/><w:rsid w:val=\"00A5127B\"/><w:rsid w:val=\"00B21C3E\"/>"
		    "<w:rsid w:val=\"00C4D2F1\"/></w:rsids><w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>"
		    "</w:settings>" } },
	{ "word/header1.xml",
	  { WF_DECL
	    "<w:hdr " WF_NS "><w:p w:rsidR=\"00A5127B\" w:rsidRDefault=\"00A5127B\"><w:pPr><w:pStyle "
	    "w:val=\"a3\"/></w:pPr><w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT=\"0\" distB=\"0\" "
	    "distL=\"0\" distR=\"0\"><wp:extent cx=\"190500\" cy=\"190500\"/><wp:effectExtent l=\"0\" t=\"0\" "
	    "r=\"0\" b=\"0\"/><wp:docPr id=\"2\" name=\"图片 2\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks " WF_A
	    " noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic " WF_A "><a:graphicData "
	    "uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic "
	    "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr "
	    "id=\"0\" name=\"logo.png\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rId1\"/>"
	    "<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
	    "<a:ext cx=\"190500\" cy=\"190500\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>"
	    "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
	    "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\"> 客户编号 {{co</w:t></w:r>"
	    "<w:bookmarkStart w:id=\"3\" w:name=\"_GoBack\"/><w:bookmarkEnd w:id=\"3\"/>"
	    "<w:r w:rsidR=\"00C4D2F1\"><w:t>de}}</w:t></w:r></w:p></w:hdr>" } },
	{ "word/footer1.xml",
	  { WF_DECL
	    "<w:ftr " WF_NS "><w:p w:rsidR=\"00A5127B\" w:rsidRDefault=\"00A5127B\"><w:pPr><w:pStyle "
	    "w:val=\"a5\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr>"
	    "<w:t xml:space=\"preserve\">销售代表 {{owner.name}} </w:t></w:r>"
	    "<w:fldSimple w:instr=\" MERGEFIELD owner.mobile \\b &quot;电话 &quot; \\* MERGEFORMAT \">"
	    "<w:r><w:rPr><w:noProof/></w:rPr><w:t>«owner.mobile»</w:t></w:r></w:fldSimple>"
	    "<w:r><w:t xml:space=\"preserve\">　第 </w:t></w:r>" WF_FIELD(
		    WF_INSTR(" PAGE "), "", "1") "<w:r><w:t xml:space=\"preserve\"> 页</w:t></w:r></w:p></w:ftr>" } },
	{ "word/footnotes.xml",
	  { WF_DECL
	    "<w:footnotes " WF_NS "><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:pPr><w:spacing "
	    "w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
	    "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:pPr><w:spacing w:after=\"0\" "
	    "w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
	    "<w:footnote w:id=\"1\"><w:p w:rsidR=\"00B21C3E\" w:rsidRDefault=\"00B21C3E\"><w:pPr><w:pStyle "
	    "w:val=\"a6\"/></w:pPr><w:r><w:rPr><w:rStyle w:val=\"a7\"/></w:rPr><w:footnoteRef/></w:r>"
	    "<w:r><w:t xml:space=\"preserve\"> 报价有效期至 </w:t></w:r>" WF_FIELD(
		    WF_INSTR(" MERGEFIELD valid_until ") WF_INSTR("\\@ \"yyyy-MM-dd\" "), "",
		    "«valid_until»") "<w:r><w:t>。</w:t></w:r></w:p></w:footnote></w:footnotes>" } },
	{ "word/endnotes.xml",
	  { WF_DECL
	    "<w:endnotes " WF_NS "><w:endnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/>"
	    "</w:r></w:p></w:endnote><w:endnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r>"
	    "<w:continuationSeparator/></w:r></w:p></w:endnote><w:endnote w:id=\"1\"><w:p><w:r><w:rPr><w:rStyle "
	    "w:val=\"a7\"/></w:rPr><w:endnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> 联系人：</w:t></w:r>"
	    "<w:fldSimple w:instr=\" MERGEFIELD  &quot;contact.name&quot; \"><w:r><w:t>«contact.name»</w:t></w:r>"
	    "</w:fldSimple></w:p></w:endnote></w:endnotes>" } },
	{ "word/document.xml",
	  { WF_DECL
	    "<w:document " WF_NS "><w:body>"
	    /* the title, with the text box anchored to it */
	    "<w:p w:rsidR=\"00A5127B\" w:rsidRDefault=\"00A5127B\"><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
	    "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/><w:b/><w:sz w:val=\"32\"/></w:rPr><w:t>报价单</w:t></w:r>"
	    "<w:r><w:rPr><w:noProof/></w:rPr><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
	    "<wp:anchor distT=\"45720\" distB=\"45720\" distL=\"114300\" distR=\"114300\" simplePos=\"0\" "
	    "relativeHeight=\"251659264\" behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"1\">"
	    "<wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"column\"><wp:posOffset>3886200"
	    "</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>0</wp:posOffset>"
	    "</wp:positionV><wp:extent cx=\"1828800\" cy=\"457200\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" "
	    "b=\"0\"/><wp:wrapSquare wrapText=\"bothSides\"/><wp:docPr id=\"1\" name=\"文本框 1\"/>"
	    "<wp:cNvGraphicFramePr/><a:graphic " WF_A "><a:graphicData "
	    "uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:wsp><wps:cNvSpPr "
	    "txBox=\"1\"/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"1828800\" cy=\"457200\"/>"
	    "</a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:ln w=\"9525\"><a:solidFill><a:srgbClr "
	    "val=\"000000\"/></a:solidFill></a:ln></wps:spPr><wps:txbx>" WF_TXBX "</wps:txbx><wps:bodyPr rot=\"0\" "
	    "vert=\"horz\" wrap=\"square\" lIns=\"91440\" tIns=\"45720\" rIns=\"91440\" bIns=\"45720\" "
	    "anchor=\"t\" anchorCtr=\"0\"><a:spAutoFit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>"
	    "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shapetype id=\"_x0000_t202\" "
	    "coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke "
	    "joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype><v:shape "
	    "id=\"文本框 2\" o:spid=\"_x0000_s1026\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:"
	    "306pt;margin-top:0;width:2in;height:36pt;z-index:251659264\" strokeweight=\".5pt\"><v:textbox>" WF_TXBX
	    "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
	    /* a greeting typed in pieces: the placeholder takes its first character's bold red */
	    "<w:p w:rsidR=\"00A5127B\" w:rsidRDefault=\"00B21C3E\"><w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/>"
	    "</w:rPr><w:t>尊敬的</w:t></w:r><w:r w:rsidR=\"00B21C3E\"><w:rPr><w:b/><w:color w:val=\"C00000\"/>"
	    "</w:rPr><w:t>{{</w:t></w:r><w:proofErr w:type=\"spellStart\"/><w:r w:rsidR=\"00C4D2F1\"><w:rPr>"
	    "<w:lang w:val=\"en-GB\"/></w:rPr><w:t>cust</w:t></w:r><w:bookmarkStart w:id=\"0\" w:name=\"客户\"/>"
	    "<w:r><w:t>omer.na</w:t></w:r><w:bookmarkEnd w:id=\"0\"/><w:proofErr w:type=\"spellEnd\"/>"
	    "<w:smartTag w:uri=\"urn:schemas-microsoft-com:office:smarttags\" w:element=\"PersonName\">"
	    "<w:r><w:t>me}}</w:t></w:r></w:smartTag><w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr>"
	    "<w:t>：</w:t></w:r></w:p>"
	    /* a complex field, its quoted name split over instruction runs */
	    "<w:p w:rsidR=\"00B21C3E\" w:rsidRDefault=\"00B21C3E\"><w:r><w:t xml:space=\"preserve\">客户：</w:t></w:r>" WF_FIELD(
		    WF_INSTR(" MERGEFIELD  \"cust") WF_INSTR("omer.name\" \\* Upper ") WF_INSTR("\\* MERGEFORMAT "),
		    "<w:u w:val=\"single\"/>",
		    "«customer.name»") "</w:p>"
				       /* a simple field with a date picture, and an address of two lines */
				       "<w:p><w:r><w:t xml:space=\"preserve\">日期：</w:t></w:r><w:fldSimple w:instr=\" MERGEFIELD order_date "
				       "\\@ &quot;yyyy年M月d日&quot; \\* MERGEFORMAT \"><w:r><w:rPr><w:noProof/></w:rPr><w:t>«order_date»"
				       "</w:t></w:r></w:fldSimple></w:p>"
				       "<w:p><w:r><w:t>地址：{{address}}</w:t></w:r></w:p>",
	    /* a content control around a run, and one around a paragraph */
	    "<w:p><w:r><w:t xml:space=\"preserve\">联系人：</w:t></w:r><w:sdt><w:sdtPr><w:alias w:val=\"联系人\"/>"
	    "<w:tag w:val=\"contact\"/><w:id w:val=\"-1548129863\"/><w:text/></w:sdtPr><w:sdtContent><w:r>"
	    "<w:rPr><w:i/></w:rPr><w:t>{{contact.</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>name}}</w:t></w:r>"
	    "</w:sdtContent></w:sdt><w:r><w:rPr><w:rStyle w:val=\"a7\"/></w:rPr><w:endnoteReference w:id=\"1\"/>"
	    "</w:r></w:p>"
	    "<w:sdt><w:sdtPr><w:id w:val=\"1901\"/><w:placeholder><w:docPart w:val=\"DefaultPlaceholder\"/>"
	    "</w:placeholder></w:sdtPr><w:sdtContent><w:p><w:r><w:t xml:space=\"preserve\">备注：{{note}}</w:t>"
	    "</w:r></w:p></w:sdtContent></w:sdt>",
	    /* conditions over whole paragraphs; the tags themselves in pieces */
	    "<w:p w:rsidR=\"00C4D2F1\" w:rsidRDefault=\"00C4D2F1\"><w:r><w:t>{{#</w:t></w:r><w:proofErr "
	    "w:type=\"spellStart\"/><w:r><w:t>vip}}</w:t></w:r><w:proofErr w:type=\"spellEnd\"/></w:p>"
	    "<w:p><w:r><w:t>感谢您多年来的支持，贵宾价已计入。</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{/vip}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{^vip}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>欢迎加入我们的贵宾计划。</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t xml:space=\"preserve\">{{/vip}} </w:t></w:r></w:p>"
	    /* and a condition that starts and ends among the text of two paragraphs */
	    "<w:p><w:r><w:t>{{#vip}}贵宾专享：</w:t></w:r></w:p><w:p><w:r><w:t>免运费。{{/vip}}</w:t></w:r></w:p>",
	    /* the lines: a heading row, a repeating row with a section nested in it, a row for no lines */
	    "<w:tbl><w:tblPr><w:tblStyle w:val=\"a8\"/><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblLook "
	    "w:val=\"04A0\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"4148\"/><w:gridCol w:w=\"1383\"/><w:gridCol "
	    "w:w=\"1383\"/><w:gridCol w:w=\"1383\"/></w:tblGrid>"
	    "<w:tr w:rsidR=\"00A5127B\"><w:tc><w:tcPr><w:tcW w:w=\"4148\" w:type=\"dxa\"/></w:tcPr><w:p><w:r>"
	    "<w:t>产品</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r>"
	    "<w:t>单价</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>金额</w:t></w:r></w:p></w:tc></w:tr>"
	    "<w:tr w:rsidR=\"00B21C3E\"><w:tc><w:tcPr><w:tcW w:w=\"4148\" w:type=\"dxa\"/></w:tcPr><w:p><w:r>"
	    "<w:t>{{#li</w:t></w:r><w:r><w:t>nes}}{{product_</w:t></w:r><w:r><w:rPr><w:lang w:val=\"en-US\"/>"
	    "</w:rPr><w:t>name}}{{#discounted}}（折）{{/discounted}}</w:t></w:r></w:p></w:tc>"
	    "<w:tc><w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:r><w:t>{{quantity}}</w:t></w:r></w:p></w:tc>"
	    "<w:tc><w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:r><w:t>{{price \\# \"#,##0.00\"}}</w:t></w:r></w:p>"
	    "</w:tc><w:tc><w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr>" WF_FIELD(
		    WF_INSTR(" MERGEFIELD amount \\# \"#,##0.00\" "), "",
		    "«amount»") "<w:r><w:t>{{/lines}}</w:t></w:r></w:p></w:tc></w:tr>"
				"<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"4\"/></w:tcPr><w:p><w:r><w:t>{{^lines}}暂无明细{{/lines}}"
				"</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
	    /* a total with text before and after, and a discount that is not there */
	    "<w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr>" WF_FIELD(
		    WF_INSTR(" MERGEFIELD total \\# \"#,##0.00\" \\b \"合计：\" \\f \" 元\" "), "<w:b/>",
		    "«total»") "<w:fldSimple w:instr=\" MERGEFIELD discount \\b &quot;，折扣 &quot; \"><w:r><w:t>«discount»</w:t>"
			       "</w:r></w:fldSimple><w:r><w:rPr><w:rStyle w:val=\"a7\"/></w:rPr><w:footnoteReference w:id=\"1\"/>"
			       "</w:r></w:p>"
			       "<w:sectPr w:rsidR=\"00A5127B\"><w:headerReference w:type=\"default\" r:id=\"rId5\"/>"
			       "<w:footerReference w:type=\"default\" r:id=\"rId6\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
			       "<w:pgMar w:top=\"1440\" w:right=\"1800\" w:bottom=\"1440\" w:left=\"1800\" w:header=\"851\" "
			       "w:footer=\"992\" w:gutter=\"0\"/><w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" "
			       "w:linePitch=\"312\"/></w:sectPr></w:body></w:document>" } },
};

/* Write the template to path. */
static inline void wf_write_template(const char *path)
{
	struct err err = ERR_INIT;
	struct merge_zip_writer *w;

	assert_ok(merge_zip_writer_open(&w, path, &err), &err);
	for (size_t i = 0; i < sizeof(wf_parts) / sizeof(wf_parts[0]); i++) {
		struct buf xml = BUF_INIT;
		for (size_t k = 0; k < 6 && wf_parts[i].pieces[k]; k++)
			buf_adds(&xml, wf_parts[i].pieces[k]);
		assert_ok(merge_zip_writer_add(w, wf_parts[i].name, xml.data, xml.len, &err), &err);
		buf_release(&xml);
	}
	assert_ok(merge_zip_writer_add(w, "word/media/image1.png", wf_png, sizeof(wf_png) - 1, &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
	err_release(&err);
}

static inline struct value *wf_object(struct value *parent, const char *key)
{
	struct value *o = value_new_object();
	value_object_set(parent, key, o);
	return o;
}

static inline void wf_line(struct value *lines, const char *name, const char *qty, const char *price,
			   const char *amount, int discounted)
{
	struct value *l = value_new_object();
	value_object_set(l, "product_name", value_new_text(name));
	value_object_set(l, "quantity", value_new_number(qty, 0));
	value_object_set(l, "price", value_new_number(price, 1));
	value_object_set(l, "amount", value_new_number(amount, 1));
	value_object_set(l, "discounted", value_new_bool(discounted));
	value_list_push(lines, l);
}

/* An order: vip picks the condition, nlines (0 to 2) the table's rows. */
static inline struct value *wf_record(int vip, int nlines)
{
	struct value *rec = value_new_object(), *lines = value_new_list(), *owner = wf_object(rec, "owner");

	value_object_set(rec, "code", value_new_text("SO-2026-001"));
	value_object_set(wf_object(rec, "customer"), "name", value_new_text("Acme 上海 <&> \"quote\""));
	value_object_set(wf_object(rec, "contact"), "name", value_new_text("王小明"));
	value_object_set(owner, "name", value_new_text("李雷"));
	value_object_set(owner, "mobile", value_new_text("13800138000"));
	value_object_set(rec, "order_date", value_new_date(2026, 11, 26));
	value_object_set(rec, "valid_until", value_new_date(2026, 12, 31));
	value_object_set(rec, "address", value_new_text("上海市浦东新区\n世纪大道100号"));
	value_object_set(rec, "note", value_new_text("A<B & \"C\"\r\n第二行"));
	value_object_set(rec, "vip", value_new_bool(vip));
	value_object_set(rec, "discount", value_new_null());
	if (nlines > 0)
		wf_line(lines, "数控机床 <CK6140>", "1", "12000", "12000", 0);
	if (nlines > 1)
		wf_line(lines, "刀具 & 配件", "2", "175.25", "350.5", 1);
	value_object_set(rec, "lines", lines);
	value_object_set(rec, "total", value_new_number(nlines > 1 ? "12350.5" : nlines ? "12000" : "0", 1));
	return rec;
}

static inline void wf_read_file(struct buf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	cr_assert(f, "could not read %s", path);
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
}

/* Fill the template for rec (freed) into dir/SO-2026-001.docx; returns
 * that path, malloc'd. */
static inline char *wf_fill(const char *dir, struct value *rec)
{
	char *tpl = xstrfmt("%s/quote.docx", dir), *out = xstrfmt("%s/SO-2026-001.docx", dir);
	struct buf data = BUF_INIT;
	struct err err = ERR_INIT;
	struct merge_docx *d;

	wf_write_template(tpl);
	wf_read_file(&data, tpl);
	assert_ok(merge_docx_compile(&d, data.data, data.len, "quote.docx", NULL, NULL, &err), &err);
	assert_ok(merge_docx_render(d, rec, NULL, out, &err), &err);
	merge_docx_free(d);
	buf_release(&data);
	free(tpl);
	value_free(rec);
	return out;
}

#endif
