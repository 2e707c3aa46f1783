/* tests/survey/example.h - the questionnaire, as the README shows
 * it, and the text a respondent reads of it (Chinese hints): the tests of
 * the parser and of the command share them. */
#ifndef TESTS_SURVEY_EXAMPLE_H
#define TESTS_SURVEY_EXAMPLE_H

static const char example[] = "# 客户满意度调查\n"
			      "感谢您抽出时间参加本次调查。\n"
			      "1. 您对我们的产品满意吗？ [single, required]\n"
			      "   A. 非常满意\n"
			      "   B. 满意\n"
			      "   C. 不满意\n"
			      "2. 您使用了哪些产品？ [multi, max 2]\n"
			      "   A. 软件\n"
			      "   B. 硬件\n"
			      "   C. 其他 [other]\n"
			      "3. 请为我们的服务打分 [rating 1-5, required]\n"
			      "4. 您每年的采购预算（万元） [number 0-100000]\n"
			      "5. 您还有什么建议？ [text]\n";

static const char example_zh[] = "# 客户满意度调查\n"
				 "\n"
				 "感谢您抽出时间参加本次调查。\n"
				 "\n"
				 "1. 您对我们的产品满意吗？ 【单选，必答】\n"
				 "   A. 非常满意\n"
				 "   B. 满意\n"
				 "   C. 不满意\n"
				 "\n"
				 "2. 您使用了哪些产品？ 【多选，最多2项】\n"
				 "   A. 软件\n"
				 "   B. 硬件\n"
				 "   C. 其他 【请注明】\n"
				 "\n"
				 "3. 请为我们的服务打分 【评分 1-5，必答】\n"
				 "\n"
				 "4. 您每年的采购预算（万元） 【数字 0-100000】\n"
				 "\n"
				 "5. 您还有什么建议？ 【填空】\n";

#endif
