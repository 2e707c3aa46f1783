/* crm/gen.c - the synthetic data generator: a whole CRM (SPEC section 2) whose
 * numbers make the analytics of SPEC section 7 worth looking at.
 *
 * Determinism without memory: every row is a pure function of the seed, the
 * options and its own index. Each entity draws from its own xoshiro256**
 * stream, seeded by splitmix64 from (seed, kind of entity, index), so that a
 * later table can recompute what it needs of an earlier one (a customer's
 * owner and size, an opportunity's dates) instead of keeping it. Only three
 * prefix arrays of 32-bit ids per customer are kept (first contact, first
 * opportunity, first order). Tables are streamed in dependency order with
 * COPY ... FROM STDIN (text format) in chunks of about 1 MB, with the
 * foreign keys and plain indexes dropped and made again at the end (see
 * bulk_begin).
 *
 * Customer value is lognormal (sigma 1.75): a customer's number and size of
 * orders both grow with the square root of its "size", so that revenue is
 * Pareto-like, the top fifth of customers bringing about four fifths of it. */
#include "crm/gen.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "common/banned.h"

#define FLUSH_BYTES (1 << 20) /* send COPY data in chunks of this much */
#define BATCH_ROWS 1000000L   /* end and restart a COPY after this many rows */
#define PROGRESS_ROWS 65536L
#define MAX_CUSTOMERS 50000000L
#define HISTORY_DAYS 1095 /* orders and opportunities: the last three years */
#define SIZE_SIGMA 1.75   /* lognormal spread of customer size */
#define NO_TIME INT64_MIN

/* ------------------------------------------------------------ fixed data */

struct name_part {
	const char *hz, *py;
};

static const struct name_part surnames[] = {
	{ "王", "wang" }, { "李", "li" }, { "张", "zhang" }, { "刘", "liu" }, { "陈", "chen" },
	{ "杨", "yang" }, { "黄", "huang" }, { "赵", "zhao" }, { "吴", "wu" }, { "周", "zhou" },
	{ "徐", "xu" }, { "孙", "sun" }, { "马", "ma" }, { "朱", "zhu" }, { "胡", "hu" },
	{ "郭", "guo" }, { "何", "he" }, { "高", "gao" }, { "林", "lin" }, { "罗", "luo" },
	{ "郑", "zheng" }, { "梁", "liang" }, { "谢", "xie" }, { "宋", "song" }, { "唐", "tang" },
	{ "许", "xu" }, { "韩", "han" }, { "冯", "feng" }, { "邓", "deng" }, { "曹", "cao" },
	{ "彭", "peng" }, { "曾", "zeng" }, { "肖", "xiao" }, { "田", "tian" }, { "董", "dong" },
	{ "袁", "yuan" }, { "潘", "pan" }, { "于", "yu" }, { "蒋", "jiang" }, { "蔡", "cai" },
	{ "余", "yu" }, { "杜", "du" }, { "叶", "ye" }, { "程", "cheng" }, { "苏", "su" },
	{ "魏", "wei" }, { "吕", "lv" }, { "丁", "ding" }, { "任", "ren" }, { "沈", "shen" },
	{ "姚", "yao" }, { "卢", "lu" }, { "姜", "jiang" }, { "崔", "cui" }, { "钟", "zhong" },
	{ "谭", "tan" }, { "陆", "lu" }, { "汪", "wang" }, { "范", "fan" }, { "金", "jin" },
	{ "石", "shi" }, { "廖", "liao" }, { "贾", "jia" }, { "夏", "xia" }, { "韦", "wei" },
	{ "付", "fu" }, { "方", "fang" }, { "白", "bai" }, { "邹", "zou" }, { "孟", "meng" },
	{ "熊", "xiong" }, { "秦", "qin" }, { "邱", "qiu" }, { "江", "jiang" }, { "尹", "yin" },
	{ "薛", "xue" }, { "闫", "yan" }, { "段", "duan" }, { "雷", "lei" }, { "侯", "hou" },
	{ "龙", "long" }, { "史", "shi" }, { "陶", "tao" }, { "黎", "li" }, { "贺", "he" },
	{ "顾", "gu" }, { "毛", "mao" }, { "郝", "hao" }, { "龚", "gong" }, { "邵", "shao" },
	{ "万", "wan" }, { "钱", "qian" }, { "严", "yan" }, { "武", "wu" }, { "戴", "dai" },
	{ "莫", "mo" }, { "孔", "kong" }, { "向", "xiang" }, { "汤", "tang" }, { "欧阳", "ouyang" },
	{ "司徒", "situ" },
};

static const struct name_part male_given[] = {
	{ "伟", "wei" }, { "强", "qiang" }, { "磊", "lei" }, { "军", "jun" }, { "洋", "yang" },
	{ "勇", "yong" }, { "杰", "jie" }, { "涛", "tao" }, { "明", "ming" }, { "超", "chao" },
	{ "刚", "gang" }, { "平", "ping" }, { "辉", "hui" }, { "鹏", "peng" }, { "华", "hua" },
	{ "飞", "fei" }, { "鑫", "xin" }, { "波", "bo" }, { "斌", "bin" }, { "宇", "yu" },
	{ "浩", "hao" }, { "凯", "kai" }, { "健", "jian" }, { "俊", "jun" }, { "帆", "fan" },
	{ "旭", "xu" }, { "宁", "ning" }, { "龙", "long" }, { "林", "lin" }, { "峰", "feng" },
	{ "建", "jian" }, { "国", "guo" }, { "志", "zhi" }, { "文", "wen" }, { "海", "hai" },
	{ "东", "dong" }, { "亮", "liang" }, { "成", "cheng" }, { "晨", "chen" }, { "博", "bo" },
	{ "毅", "yi" }, { "振", "zhen" }, { "昊", "hao" }, { "天", "tian" }, { "子", "zi" },
	{ "轩", "xuan" }, { "泽", "ze" }, { "嘉", "jia" }, { "永", "yong" }, { "新", "xin" },
};

static const struct name_part female_given[] = {
	{ "芳", "fang" }, { "娜", "na" }, { "敏", "min" }, { "静", "jing" }, { "丽", "li" },
	{ "艳", "yan" }, { "娟", "juan" }, { "霞", "xia" }, { "秀", "xiu" }, { "英", "ying" },
	{ "玲", "ling" }, { "桂", "gui" }, { "婷", "ting" }, { "雪", "xue" }, { "琳", "lin" },
	{ "欣", "xin" }, { "佳", "jia" }, { "梅", "mei" }, { "兰", "lan" }, { "红", "hong" },
	{ "颖", "ying" }, { "倩", "qian" }, { "璐", "lu" }, { "慧", "hui" }, { "晶", "jing" },
	{ "蕾", "lei" }, { "楠", "nan" }, { "萍", "ping" }, { "燕", "yan" }, { "丹", "dan" },
	{ "洁", "jie" }, { "琴", "qin" }, { "云", "yun" }, { "莉", "li" }, { "悦", "yue" },
	{ "雨", "yu" }, { "思", "si" }, { "梦", "meng" }, { "瑶", "yao" }, { "怡", "yi" },
	{ "婧", "jing" }, { "茜", "qian" }, { "晓", "xiao" }, { "小", "xiao" }, { "月", "yue" },
};

/* The 字号 of a company: two of these. */
static const struct name_part brand_chars[] = {
	{ "华", "hua" }, { "信", "xin" }, { "达", "da" }, { "恒", "heng" }, { "通", "tong" },
	{ "盛", "sheng" }, { "泰", "tai" }, { "鑫", "xin" }, { "源", "yuan" }, { "海", "hai" },
	{ "天", "tian" }, { "宏", "hong" }, { "远", "yuan" }, { "金", "jin" }, { "瑞", "rui" },
	{ "安", "an" }, { "博", "bo" }, { "创", "chuang" }, { "德", "de" }, { "丰", "feng" },
	{ "光", "guang" }, { "国", "guo" }, { "汇", "hui" }, { "嘉", "jia" }, { "锦", "jin" },
	{ "凯", "kai" }, { "力", "li" }, { "龙", "long" }, { "明", "ming" }, { "鹏", "peng" },
	{ "启", "qi" }, { "荣", "rong" }, { "润", "run" }, { "森", "sen" }, { "腾", "teng" },
	{ "伟", "wei" }, { "祥", "xiang" }, { "新", "xin" }, { "星", "xing" }, { "兴", "xing" },
	{ "耀", "yao" }, { "亿", "yi" }, { "永", "yong" }, { "裕", "yu" }, { "元", "yuan" },
	{ "正", "zheng" }, { "中", "zhong" }, { "卓", "zhuo" }, { "智", "zhi" }, { "众", "zhong" },
	{ "东", "dong" }, { "方", "fang" }, { "宇", "yu" }, { "辰", "chen" }, { "晟", "sheng" },
	{ "铭", "ming" }, { "毅", "yi" }, { "诚", "cheng" }, { "立", "li" }, { "鼎", "ding" },
	{ "峰", "feng" }, { "航", "hang" }, { "联", "lian" }, { "科", "ke" }, { "长", "chang" },
	{ "云", "yun" }, { "蓝", "lan" }, { "青", "qing" }, { "百", "bai" }, { "和", "he" },
};

struct region {
	const char *code, *name;
};

static const struct region regions[] = {
	{ "R01", "华东" }, { "R02", "华北" }, { "R03", "华南" }, { "R04", "华中" },
	{ "R05", "西南" }, { "R06", "西北" }, { "R07", "东北" },
};

struct province {
	const char *code, *name, *full; /* full is what an address starts with */
	int region;
	int city_level; /* a municipality: the province is the city */
};

static const struct province provinces[] = {
	{ "CN-SH", "上海", "上海市", 0, 1 },        { "CN-JS", "江苏", "江苏省", 0, 0 },
	{ "CN-ZJ", "浙江", "浙江省", 0, 0 },        { "CN-AH", "安徽", "安徽省", 0, 0 },
	{ "CN-FJ", "福建", "福建省", 0, 0 },        { "CN-JX", "江西", "江西省", 0, 0 },
	{ "CN-SD", "山东", "山东省", 0, 0 },        { "CN-BJ", "北京", "北京市", 1, 1 },
	{ "CN-TJ", "天津", "天津市", 1, 1 },        { "CN-HE", "河北", "河北省", 1, 0 },
	{ "CN-SX", "山西", "山西省", 1, 0 },        { "CN-NM", "内蒙古", "内蒙古自治区", 1, 0 },
	{ "CN-GD", "广东", "广东省", 2, 0 },        { "CN-GX", "广西", "广西壮族自治区", 2, 0 },
	{ "CN-HI", "海南", "海南省", 2, 0 },        { "CN-HA", "河南", "河南省", 3, 0 },
	{ "CN-HB", "湖北", "湖北省", 3, 0 },        { "CN-HN", "湖南", "湖南省", 3, 0 },
	{ "CN-CQ", "重庆", "重庆市", 4, 1 },        { "CN-SC", "四川", "四川省", 4, 0 },
	{ "CN-GZ", "贵州", "贵州省", 4, 0 },        { "CN-YN", "云南", "云南省", 4, 0 },
	{ "CN-XZ", "西藏", "西藏自治区", 4, 0 },    { "CN-SN", "陕西", "陕西省", 5, 0 },
	{ "CN-GS", "甘肃", "甘肃省", 5, 0 },        { "CN-QH", "青海", "青海省", 5, 0 },
	{ "CN-NX", "宁夏", "宁夏回族自治区", 5, 0 }, { "CN-XJ", "新疆", "新疆维吾尔自治区", 5, 0 },
	{ "CN-LN", "辽宁", "辽宁省", 6, 0 },        { "CN-JL", "吉林", "吉林省", 6, 0 },
	{ "CN-HL", "黑龙江", "黑龙江省", 6, 0 },
};

struct city {
	int province;
	const char *name; /* without 市 */
	int postcode;     /* the first three digits */
	const char *area; /* telephone area code */
	int weight;       /* share of companies, roughly by economy */
	const char *districts[3];
};

static const struct city cities[] = {
	{ 0, "上海", 200, "021", 100, { "浦东新区", "徐汇区", "闵行区" } },
	{ 1, "南京", 210, "025", 50, { "鼓楼区", "江宁区", "建邺区" } },
	{ 1, "苏州", 215, "0512", 60, { "工业园区", "姑苏区", "吴中区" } },
	{ 1, "无锡", 214, "0510", 30, { "梁溪区", "滨湖区", "新吴区" } },
	{ 1, "常州", 213, "0519", 20, { "天宁区", "武进区", "新北区" } },
	{ 2, "杭州", 310, "0571", 70, { "西湖区", "滨江区", "余杭区" } },
	{ 2, "宁波", 315, "0574", 40, { "鄞州区", "海曙区", "北仑区" } },
	{ 2, "温州", 325, "0577", 20, { "鹿城区", "瓯海区", "龙湾区" } },
	{ 3, "合肥", 230, "0551", 30, { "蜀山区", "包河区", "庐阳区" } },
	{ 4, "福州", 350, "0591", 20, { "鼓楼区", "仓山区", "台江区" } },
	{ 4, "厦门", 361, "0592", 30, { "思明区", "湖里区", "集美区" } },
	{ 5, "南昌", 330, "0791", 20, { "东湖区", "红谷滩区", "青山湖区" } },
	{ 6, "济南", 250, "0531", 30, { "历下区", "市中区", "槐荫区" } },
	{ 6, "青岛", 266, "0532", 40, { "市南区", "崂山区", "黄岛区" } },
	{ 7, "北京", 100, "010", 100, { "海淀区", "朝阳区", "东城区" } },
	{ 8, "天津", 300, "022", 40, { "和平区", "南开区", "滨海新区" } },
	{ 9, "石家庄", 50, "0311", 20, { "长安区", "桥西区", "裕华区" } },
	{ 9, "唐山", 63, "0315", 10, { "路北区", "路南区", "丰润区" } },
	{ 10, "太原", 30, "0351", 10, { "小店区", "迎泽区", "杏花岭区" } },
	{ 11, "呼和浩特", 10, "0471", 8, { "新城区", "赛罕区", "回民区" } },
	{ 12, "广州", 510, "020", 80, { "天河区", "越秀区", "番禺区" } },
	{ 12, "深圳", 518, "0755", 90, { "南山区", "福田区", "宝安区" } },
	{ 12, "东莞", 523, "0769", 30, { "南城街道", "长安镇", "松山湖" } },
	{ 12, "佛山", 528, "0757", 30, { "禅城区", "南海区", "顺德区" } },
	{ 13, "南宁", 530, "0771", 10, { "青秀区", "兴宁区", "西乡塘区" } },
	{ 14, "海口", 570, "0898", 8, { "龙华区", "美兰区", "秀英区" } },
	{ 15, "郑州", 450, "0371", 30, { "金水区", "二七区", "郑东新区" } },
	{ 16, "武汉", 430, "027", 40, { "江汉区", "武昌区", "洪山区" } },
	{ 17, "长沙", 410, "0731", 30, { "岳麓区", "芙蓉区", "天心区" } },
	{ 18, "重庆", 400, "023", 30, { "渝中区", "江北区", "渝北区" } },
	{ 19, "成都", 610, "028", 50, { "武侯区", "锦江区", "高新区" } },
	{ 20, "贵阳", 550, "0851", 10, { "云岩区", "南明区", "观山湖区" } },
	{ 21, "昆明", 650, "0871", 10, { "五华区", "盘龙区", "官渡区" } },
	{ 22, "拉萨", 850, "0891", 2, { "城关区", "堆龙德庆区", "达孜区" } },
	{ 23, "西安", 710, "029", 30, { "雁塔区", "碑林区", "未央区" } },
	{ 24, "兰州", 730, "0931", 8, { "城关区", "七里河区", "安宁区" } },
	{ 25, "西宁", 810, "0971", 3, { "城中区", "城东区", "城西区" } },
	{ 26, "银川", 750, "0951", 3, { "兴庆区", "金凤区", "西夏区" } },
	{ 27, "乌鲁木齐", 830, "0991", 6, { "天山区", "沙依巴克区", "新市区" } },
	{ 28, "沈阳", 110, "024", 20, { "和平区", "沈河区", "浑南区" } },
	{ 28, "大连", 116, "0411", 20, { "中山区", "西岗区", "甘井子区" } },
	{ 29, "长春", 130, "0431", 10, { "朝阳区", "南关区", "净月区" } },
	{ 30, "哈尔滨", 150, "0451", 10, { "南岗区", "道里区", "松北区" } },
};

static const char *const roads[] = {
	"人民路", "中山路", "解放路", "建设路", "和平路", "长江路", "黄河路", "科技路", "创业路",
	"新华路", "文化路", "滨江路", "东风路", "胜利路", "学府路", "工业大道", "世纪大道", "高新大道",
	"金融街", "光明路", "振兴路", "迎宾大道", "花园路", "青年路",
};

struct word {
	const char *full, *brief; /* 精密机械 / 机械 */
};

struct industry {
	const char *name;
	int weight;
	struct word words[6];
	int nwords;
};

static const struct industry industries[] = {
	{ "制造", 25,
	  { { "精密机械", "机械" }, { "电子科技", "电子" }, { "汽车零部件", "汽配" }, { "新材料", "材料" },
	    { "智能装备", "装备" }, { "塑胶制品", "塑胶" } }, 6 },
	{ "零售", 12, { { "商贸", "商贸" }, { "百货", "百货" }, { "连锁超市", "超市" }, { "电器", "电器" } }, 4 },
	{ "金融", 6,
	  { { "投资", "投资" }, { "融资租赁", "租赁" }, { "保险代理", "保险" }, { "资产管理", "资管" } }, 4 },
	{ "教育", 6, { { "教育科技", "教育" }, { "职业培训", "培训" }, { "文化传播", "文化" } }, 3 },
	{ "医疗", 8,
	  { { "医疗器械", "医疗" }, { "医药", "医药" }, { "健康管理", "健康" }, { "生物科技", "生物" } }, 4 },
	{ "信息技术", 14,
	  { { "信息技术", "信息" }, { "软件", "软件" }, { "网络科技", "网络" }, { "数据服务", "数据" } }, 4 },
	{ "物流", 8,
	  { { "物流", "物流" }, { "供应链管理", "供应链" }, { "国际货运代理", "货代" }, { "仓储服务", "仓储" } }, 4 },
	{ "建筑", 9,
	  { { "建设工程", "建设" }, { "建筑装饰", "装饰" }, { "工程设计", "设计" }, { "市政工程", "市政" } }, 4 },
	{ "能源", 5,
	  { { "能源", "能源" }, { "新能源科技", "新能源" }, { "电力设备", "电力" }, { "燃气", "燃气" } }, 4 },
	{ "餐饮", 7, { { "餐饮管理", "餐饮" }, { "食品", "食品" }, { "酒店管理", "酒店" } }, 3 },
};

static const char *const company_suffixes[] = { "有限公司", "股份有限公司", "有限责任公司", "集团有限公司" };
static const int company_suffix_weights[] = { 60, 15, 18, 7 };

struct category {
	const char *code, *name;
	int parent; /* index, or -1 */
};

static const struct category customer_categories[] = {
	{ "A", "大客户", -1 }, { "B", "重点客户", -1 }, { "C", "普通客户", -1 },
	{ "C01", "经销商", 2 }, { "C02", "终端客户", 2 },
};

static const struct category product_categories[] = {
	{ "HW", "硬件设备", -1 },    { "HW-SRV", "服务器及存储", 0 }, { "HW-NET", "网络设备", 0 },
	{ "HW-PC", "终端设备", 0 },  { "SW", "软件产品", -1 },        { "SW-MGT", "管理软件", 4 },
	{ "SW-IND", "行业软件", 4 }, { "SV", "服务", -1 },            { "SV-IMP", "实施服务", 7 },
	{ "SV-OPS", "运维服务", 7 }, { "SV-TRN", "培训服务", 7 },     { "CS", "耗材配件", -1 },
	{ "CS-OFF", "办公耗材", 11 }, { "CS-SPR", "备品备件", 11 },
};

/* A product line: nvariants products, named base + variant. */
struct product_line {
	int category;
	const char *base, *unit;
	int lo, hi; /* list price range of the cheapest variant, yuan */
	int nvariants;
	int software; /* variants are editions, not models */
};

static const struct product_line product_lines[] = {
	{ 1, "机架式服务器", "台", 25000, 60000, 4, 0 },
	{ 1, "塔式服务器", "台", 9000, 20000, 3, 0 },
	{ 1, "GPU计算服务器", "台", 150000, 300000, 2, 0 },
	{ 1, "存储阵列", "套", 60000, 150000, 3, 0 },
	{ 2, "核心交换机", "台", 30000, 80000, 3, 0 },
	{ 2, "接入交换机", "台", 2000, 6000, 4, 0 },
	{ 2, "企业级路由器", "台", 5000, 20000, 3, 0 },
	{ 2, "下一代防火墙", "台", 15000, 40000, 3, 0 },
	{ 2, "无线AP", "个", 800, 1500, 3, 0 },
	{ 3, "商用台式机", "台", 3500, 5000, 3, 0 },
	{ 3, "商用笔记本", "台", 4500, 7000, 3, 0 },
	{ 3, "激光打印机", "台", 1500, 3000, 3, 0 },
	{ 3, "扫码枪", "个", 300, 600, 2, 0 },
	{ 5, "ERP管理系统", "套", 50000, 120000, 3, 1 },
	{ 5, "CRM客户管理系统", "套", 20000, 60000, 3, 1 },
	{ 5, "财务管理软件", "套", 10000, 30000, 3, 1 },
	{ 5, "人力资源系统", "套", 20000, 50000, 3, 1 },
	{ 5, "协同办公平台", "套", 15000, 40000, 3, 1 },
	{ 6, "MES制造执行系统", "套", 150000, 300000, 2, 1 },
	{ 6, "WMS仓储管理系统", "套", 80000, 160000, 2, 1 },
	{ 6, "零售POS系统", "套", 5000, 15000, 3, 1 },
	{ 6, "医院信息系统", "套", 100000, 250000, 2, 1 },
	{ 8, "实施顾问服务", "人天", 1500, 2200, 2, 1 },
	{ 8, "二次开发服务", "人天", 1800, 2600, 1, 1 },
	{ 8, "数据迁移服务", "项", 10000, 30000, 1, 1 },
	{ 9, "年度运维服务", "年", 20000, 60000, 3, 1 },
	{ 9, "驻场运维服务", "人月", 15000, 22000, 1, 1 },
	{ 9, "远程技术支持", "年", 5000, 12000, 2, 1 },
	{ 10, "最终用户培训", "人次", 500, 900, 1, 1 },
	{ 10, "管理员认证培训", "人次", 3000, 5000, 2, 1 },
	{ 12, "硒鼓", "个", 200, 400, 3, 0 },
	{ 12, "A4复印纸", "箱", 120, 180, 2, 0 },
	{ 12, "墨盒", "个", 80, 150, 3, 0 },
	{ 13, "服务器内存条", "条", 600, 1200, 3, 0 },
	{ 13, "企业级硬盘", "块", 800, 2000, 3, 0 },
	{ 13, "光模块", "个", 200, 800, 3, 0 },
	{ 13, "UPS电源", "台", 3000, 8000, 3, 0 },
};

static const char *const editions[] = { "标准版", "专业版", "企业版", "旗舰版" };
static const char *const models[] = { "X100", "X300", "X500", "X700" };

struct stage {
	const char *name;
	int probability;
};

struct mode {
	const char *code, *name;
	int nstages;
	struct stage stages[6];
	int open_weights[5]; /* where open and lost opportunities stand: stages 1 .. n-1 */
};

static const struct mode modes[] = {
	{ "STD", "标准销售流程", 5,
	  { { "初步接洽", 10 }, { "需求确认", 25 }, { "方案报价", 50 }, { "商务谈判", 75 }, { "赢单", 100 } },
	  { 34, 28, 22, 16 } },
	{ "PRJ", "项目型销售", 6,
	  { { "需求调研", 10 }, { "立项评估", 20 }, { "招投标", 40 }, { "技术评审", 60 }, { "合同谈判", 80 },
	    { "签约", 100 } },
	  { 25, 22, 20, 18, 15 } },
};

struct competitor {
	const char *name, *strengths, *weaknesses, *products;
};

static const struct competitor competitors[] = {
	{ "恒远科技股份有限公司", "价格低，本地服务网点多", "产品稳定性一般，二次开发能力弱", "管理软件、终端设备" },
	{ "中联信达信息技术有限公司", "政府和国企关系深厚", "报价偏高，交付周期长", "行业软件、实施服务" },
	{ "北方精工系统集成有限公司", "硬件集成经验丰富", "软件产品线单薄", "服务器、网络设备" },
	{ "天擎智能科技有限公司", "产品界面新颖，云服务能力强", "成立时间短，案例少", "协同办公、CRM" },
	{ "南海华丰电子有限公司", "硬件价格有优势", "售后响应慢", "终端设备、耗材" },
	{ "博锐软件有限公司", "制造业案例多，MES 实力强", "全国覆盖不足", "MES、WMS" },
	{ "金桥实业集团有限公司", "资金雄厚，可提供融资方案", "技术团队流动大", "系统集成、运维服务" },
	{ "华宇通达网络有限公司", "网络安全资质齐全", "价格体系不透明", "防火墙、交换机" },
	{ "瑞通数据服务有限公司", "运维团队规模大，7x24 响应", "产品依赖代理", "运维服务、数据迁移" },
	{ "长城智造装备有限公司", "行业口碑好，老客户多", "信息化能力弱", "智能装备、备品备件" },
};

static const char *const lead_sources[] = { "展会", "网站", "广告", "转介绍", "电话营销" };
static const int lead_source_weights[] = { 20, 30, 15, 20, 15 };
/* new, following, converted (drawn apart), invalid: by the lead's age */
static const int lead_young_status[] = { 60, 35, 0, 5 };
static const int lead_old_status[] = { 15, 45, 0, 40 };
static const char *const intent_sources[] = { "客户拜访", "展会", "网站", "转介绍", "电话营销" };
static const int intent_source_weights[] = { 35, 15, 20, 15, 15 };

static const char *const fail_reasons[] = { "价格过高", "功能不满足", "关系不足", "交期太长", "竞争对手方案更优",
					    "客户预算取消" };
static const int fail_reason_weights[] = { 30, 20, 15, 10, 15, 10 };
static const char *const abandon_reasons[] = { "客户需求取消", "项目无限期延期", "联系人离职" };

static const char *const opp_suffixes[] = { "采购项目", "升级项目", "扩容项目", "建设项目", "年度框架协议" };

struct title {
	const char *title, *department;
};

static const struct title top_titles[] = {
	{ "总经理", "总经办" }, { "董事长", "董事会" }, { "总裁", "总经办" }, { "厂长", "总经办" },
};

static const struct title titles[] = {
	{ "采购经理", "采购部" }, { "采购专员", "采购部" }, { "财务主管", "财务部" }, { "财务经理", "财务部" },
	{ "技术总监", "技术部" }, { "IT经理", "信息部" }, { "工程师", "技术部" }, { "行政主管", "行政部" },
	{ "销售总监", "销售部" }, { "副总经理", "总经办" }, { "项目经理", "项目部" }, { "仓储主管", "物流部" },
	{ "人事经理", "人力资源部" }, { "出纳", "财务部" }, { "运营总监", "运营部" },
};

static const char *const activity_types[] = { "拜访", "电话", "会议", "演示" };
static const int activity_type_weights[] = { 35, 40, 15, 10 };

static const char *const activity_results[] = {
	"客户认可方案，约定下周提交报价",
	"已了解年度采购计划，预计下季度立项",
	"客户对价格有异议，需申请特别折扣",
	"确认交付时间，安排实施人员",
	"客户暂无新需求，保持定期联系",
	"演示顺利，客户要求安排试用",
	"催收货款，客户承诺月底前付款",
	"收集到技术需求，转售前工程师评估",
	"客户提出竞品对比，需补充材料",
	"关键决策人出差，改约下次面谈",
};

static const char *const cancel_results[] = { "客户临时有事，活动取消", "客户要求改期", "内部安排冲突，已取消" };

static const char *const reviews[] = { "已阅，继续跟进", "注意回款进度", "报价前先与我确认折扣", "做得好，保持节奏",
				       "尽快约见关键决策人" };

static const char *const expense_types[] = { "差旅费", "招待费", "礼品费", "交通费", "会议费", "样品费", "通讯费" };
/* cents: the range of one expense of each type */
static const long long expense_lo[] = { 50000, 20000, 10000, 2000, 100000, 20000, 10000 };
static const long long expense_hi[] = { 500000, 300000, 200000, 30000, 2000000, 500000, 30000 };

static const char *const complaint_reasons[] = { "产品质量", "交货延迟", "服务态度", "价格争议", "发票问题" };
static const int complaint_reason_weights[] = { 30, 25, 15, 15, 15 };
static const char *const complaint_texts[][3] = {
	{ "设备到货后无法开机，要求更换", "使用两个月后频繁死机，影响生产\n客户要求上门检测", "部分配件与清单不符" },
	{ "合同约定到货日期已过一周仍未发货", "分批交货间隔过长，影响项目进度", "物流信息长时间未更新" },
	{ "客服电话多次无人接听", "实施人员态度生硬，客户不满", "问题反馈后三天无人跟进" },
	{ "发现同型号产品报价高于市场价", "续费价格上涨幅度过大", "折扣未按约定执行" },
	{ "发票抬头错误，需重开", "发票金额与合同不符", "发票迟迟未寄出，影响客户报销\n请尽快补寄" },
};

static const char *const team_roles[] = { "售前支持", "技术支持", "商务支持" };

static const char *const chinese_digits[] = { "", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

/* ------------------------------------------------------- random numbers */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* The stream of entity kind tag, number a (and b): independent of every other. */
static void rng_init(struct rng *r, uint64_t seed, uint64_t tag, uint64_t a, uint64_t b)
{
	uint64_t x = seed;
	x ^= splitmix64(&x) + tag * 0xd1342543de82ef95ULL;
	x ^= splitmix64(&x) + a * 0xa0761d6478bd642fULL;
	x ^= splitmix64(&x) + b * 0xe7037ed1a0b428dbULL;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

/* [0, 1) */
static inline double rng_unif(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* [0, n) */
static inline long rng_below(struct rng *r, long n)
{
	return n > 0 ? (long)(rng_next(r) % (uint64_t)n) : 0;
}

/* [lo, hi] */
static inline long rng_range(struct rng *r, long lo, long hi)
{
	return hi > lo ? lo + rng_below(r, hi - lo + 1) : lo;
}

static inline int rng_chance(struct rng *r, double p)
{
	return rng_unif(r) < p;
}

static double rng_normal(struct rng *r)
{
	double u1 = 1.0 - rng_unif(r); /* (0, 1]: log stays finite */
	double u2 = rng_unif(r);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static long rng_poisson(struct rng *r, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda < 30) {
		double limit = exp(-lambda), p = 1.0;
		long k = -1;
		do {
			k++;
			p *= rng_unif(r);
		} while (p > limit);
		return k;
	}
	double v = lambda + sqrt(lambda) * rng_normal(r);
	return v < 0 ? 0 : (long)(v + 0.5);
}

static int rng_weighted(struct rng *r, const int *weights, int n)
{
	int total = 0, i;
	for (i = 0; i < n; i++)
		total += weights[i];
	long x = rng_below(r, total);
	for (i = 0; i < n - 1; i++) {
		x -= weights[i];
		if (x < 0)
			break;
	}
	return i;
}

#define PICK(r, array) ((array)[rng_below((r), (long)ARRAY_SIZE(array))])

/* ----------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a Gregorian date (H. Hinnant's algorithm). */
static int days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int)doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int parse_date(const char *s, int *out)
{
	int y, m, d;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 9000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !is_leap(y)))
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

/* A time is minutes since 1970-01-01 00:00 China time (+08). */
static inline int64_t at_time(int day, int minute)
{
	return (int64_t)day * 1440 + minute;
}

static inline int time_day(int64_t t)
{
	return (int)(t >= 0 ? t / 1440 : -((-t + 1439) / 1440));
}

/* Office hours: 09:00 .. 17:30 in half hours. */
static int office_minute(struct rng *r)
{
	return 540 + 30 * (int)rng_below(r, 18);
}

/* ------------------------------------------------------- the COPY stream */

struct out {
	struct buf b;
	const char *stage; /* for progress: "customers" */
	const char *sql;   /* COPY ... FROM STDIN */
	long rows;         /* written to this table so far */
	long stmt_rows;    /* since the current COPY began */
	long total;        /* expected, for progress */
	int col;           /* fields in the current row so far */
	int open;          /* a COPY is in progress */
};

struct salesperson {
	char code[16], login[16], name[16], email[64];
	int dept; /* index of its sales department */
};

struct product {
	char name[64];
	int category, line;
	long long price, cost; /* cents */
};

/* A company's name, address and telephone: customers and leads both have one. */
struct company {
	int city, district, road, number, building, room;
	int brand_a, brand_b, industry, word, suffix, city_prefix;
	int postcode, phone, mail_box;
	long domain_no; /* the e-mail domain is brand pinyin + this */
	char domain_tag; /* 'c' customer, 'l' lead */
};

/* One customer, recomputed from its own stream wherever it is needed. */
struct cust {
	long idx;
	double size;  /* lognormal value: orders grow with its square root */
	int category; /* index into customer_categories */
	int status;   /* 0 active, 1 potential, 2 inactive */
	int owner;    /* salesperson index */
	int created;
	int start; /* the first day of its history we generate */
	int end;   /* the last day it buys (yesterday, or when it went inactive) */
	int credit_days;
	long long credit_limit;
	struct company co;
};

/* What a customer buys: won opportunities and repeat orders, in date order. */
struct order {
	long opp;   /* id, or 0 */
	int day;
	int owner;
	long long target; /* cents the lines aim at */
};

struct line {
	int product;
	long qty;
	long long price, cost;
};

struct opp {
	long id;
	int mode, nstages, stage, status; /* status: 0 open, 1 won, 2 lost, 3 abandoned */
	int created, closed, expected;
	long long amount;
	long contact; /* id, or 0 */
	int owner;
	int reason;     /* -1: none */
	int competitor; /* -1: none */
	int line, suffix;
	int entered[6]; /* the day it entered stage 1 .. */
};

struct act {
	int type, status; /* status: 0 planned, 1 done, 2 cancelled */
	int subject;
	long contact, opp, lead; /* ids, or 0 */
	int owner;
	int64_t planned, remind, done, reviewed;
	int result, review;
};

struct lead {
	long idx;
	int status; /* 0 new, 1 following, 2 converted, 3 invalid */
	int created;
	long customer; /* converted into (index), or -1 */
	int owner;     /* -1: not assigned yet */
	int source;
	struct company co;
};

struct gen {
	struct crm_db *db;
	struct err *err;
	int rc;
	uint64_t seed;
	long ncust, nleads;
	int today, today_year;
	crm_gen_progress_fn progress;
	void *progress_ctx;

	struct out w;
	struct crm_gen_stats st;

	int ndept; /* sales departments */
	struct salesperson *sp;
	int nsp;
	struct product *products;
	int nproducts;
	double *product_cum; /* cumulative popularity, for picking */
	int city_total;
	long lead_step; /* converted leads map onto distinct customers */

	uint32_t *contact_first; /* per customer, and one past the end */
	uint32_t *opp_first;
	uint32_t *order_first;

	struct order *orders; /* scratch: one customer's orders */
	size_t orders_alloc;
	struct act *acts; /* scratch: one customer's activities */
	size_t acts_alloc;
};

static void w_sep(struct out *w)
{
	if (w->col++)
		buf_addch(&w->b, '\t');
}

/* Append s to the current field, escaped for COPY's text format. */
static void a_str(struct out *w, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "\\\t\n\r");
		buf_add(&w->b, s, n);
		s += n;
		if (!*s)
			return;
		buf_addch(&w->b, '\\');
		buf_addch(&w->b, *s == '\\' ? '\\' : *s == '\t' ? 't' : *s == '\n' ? 'n' : 'r');
		s++;
	}
}

static void a_uint(struct out *w, unsigned long long v, int width)
{
	char tmp[24];
	int i = (int)sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v || (int)sizeof(tmp) - i < width);
	buf_add(&w->b, tmp + i, sizeof(tmp) - (size_t)i);
}

static void w_null(struct out *w)
{
	w_sep(w);
	buf_add(&w->b, "\\N", 2);
}

static void w_str(struct out *w, const char *s)
{
	w_sep(w);
	a_str(w, s);
}

static void w_str_or_null(struct out *w, const char *s)
{
	if (s)
		w_str(w, s);
	else
		w_null(w);
}

static void w_int(struct out *w, long long v)
{
	w_sep(w);
	if (v < 0) {
		buf_addch(&w->b, '-');
		a_uint(w, (unsigned long long)-v, 1);
	} else {
		a_uint(w, (unsigned long long)v, 1);
	}
}

/* An id; 0 is NULL. */
static void w_ref(struct out *w, long long id)
{
	if (id > 0)
		w_int(w, id);
	else
		w_null(w);
}

static void w_code(struct out *w, const char *prefix, long n, int width)
{
	w_sep(w);
	buf_adds(&w->b, prefix);
	a_uint(w, (unsigned long long)n, width);
}

static void a_date(struct out *w, int day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	a_uint(w, (unsigned long long)y, 4);
	buf_addch(&w->b, '-');
	a_uint(w, (unsigned long long)m, 2);
	buf_addch(&w->b, '-');
	a_uint(w, (unsigned long long)d, 2);
}

static void w_date(struct out *w, int day)
{
	w_sep(w);
	a_date(w, day);
}

static void w_time(struct out *w, int64_t t)
{
	int day, minute;
	if (t == NO_TIME) {
		w_null(w);
		return;
	}
	day = time_day(t);
	minute = (int)(t - (int64_t)day * 1440);
	w_sep(w);
	a_date(w, day);
	buf_addch(&w->b, ' ');
	a_uint(w, (unsigned long long)(minute / 60), 2);
	buf_addch(&w->b, ':');
	a_uint(w, (unsigned long long)(minute % 60), 2);
	buf_add(&w->b, ":00+08", 6);
}

static void w_money(struct out *w, long long cents)
{
	w_sep(w);
	a_uint(w, (unsigned long long)(cents / 100), 1);
	buf_addch(&w->b, '.');
	a_uint(w, (unsigned long long)(cents % 100), 2);
}

static void w_bool(struct out *w, int v)
{
	w_sep(w);
	buf_addch(&w->b, v ? 't' : 'f');
}

/* While a table is written its total is an estimate (never below done);
 * at its end, total is done. */
static void report(struct gen *g, long done, int end)
{
	if (g->progress)
		g->progress(g->progress_ctx, g->w.stage, done, end || g->w.total < done ? done : g->w.total);
}

static void out_send(struct gen *g)
{
	if (!g->rc && g->w.b.len) {
		g->rc = crm_db_copy_in_put(g->db, g->w.b.data, g->w.b.len, g->err);
		if (g->rc)
			g->w.open = 0; /* a failed put has ended the COPY */
	}
	buf_reset(&g->w.b);
}

static void out_start(struct gen *g)
{
	if (!g->rc)
		g->rc = crm_db_copy_in_begin(g->db, g->w.sql, g->err);
	g->w.open = !g->rc;
	g->w.stmt_rows = 0;
}

static void out_stop(struct gen *g)
{
	out_send(g);
	if (g->w.open) {
		int rc = crm_db_copy_in_end(g->db, g->err);
		if (!g->rc)
			g->rc = rc;
		g->w.open = 0;
	}
}

/* Begin the COPY of a table: stage names it for progress, total is the
 * number of rows expected. */
static void out_begin(struct gen *g, const char *stage, const char *sql, long total)
{
	g->w.stage = stage;
	g->w.sql = sql;
	g->w.rows = 0;
	g->w.total = total;
	g->w.col = 0;
	buf_reset(&g->w.b);
	out_start(g);
	report(g, 0, 0);
}

/* End a row: send a full chunk, and end a long COPY so that PostgreSQL's
 * queue of foreign-key checks stays bounded. */
static void w_end(struct gen *g)
{
	struct out *w = &g->w;
	buf_addch(&w->b, '\n');
	w->col = 0;
	w->rows++;
	w->stmt_rows++;
	if (w->b.len >= FLUSH_BYTES)
		out_send(g);
	if (w->stmt_rows >= BATCH_ROWS) {
		out_stop(g);
		out_start(g);
	}
	if (w->rows % PROGRESS_ROWS == 0)
		report(g, w->rows, 0);
}

/* End the COPY of a table; returns its row count. */
static long out_end(struct gen *g)
{
	out_stop(g);
	if (!g->rc)
		report(g, g->w.rows, 1);
	return g->w.rows;
}

/* ------------------------------------------------------ people, companies */

enum {
	TAG_ORG = 1,
	TAG_PRODUCT,
	TAG_CUST,
	TAG_CONTACTS,
	TAG_LEAD,
	TAG_LEAD_CONTACTS,
	TAG_INTENTS,
	TAG_LEAD_INTENTS,
	TAG_OPP_COUNT,
	TAG_OPP,
	TAG_OPP_EXTRA,
	TAG_ORDERS,
	TAG_LINES,
	TAG_BILLING,
	TAG_ACTS,
	TAG_OPP_ACTS,
	TAG_LEAD_ACTS,
	TAG_EXPENSES,
	TAG_COMPLAINTS,
};

struct person {
	const struct name_part *sur, *g1, *g2;
	int female;
};

static void person_make(struct rng *r, struct person *p)
{
	double u = rng_unif(r);
	const struct name_part *pool;
	long n;

	/* common surnames come first: favour them */
	p->sur = &surnames[(long)(u * u * (double)ARRAY_SIZE(surnames))];
	p->female = rng_chance(r, 0.42);
	pool = p->female ? female_given : male_given;
	n = p->female ? (long)ARRAY_SIZE(female_given) : (long)ARRAY_SIZE(male_given);
	p->g1 = &pool[rng_below(r, n)];
	p->g2 = rng_chance(r, 0.7) ? &pool[rng_below(r, n)] : NULL;
}

static void a_person_name(struct out *w, const struct person *p)
{
	a_str(w, p->sur->hz);
	a_str(w, p->g1->hz);
	if (p->g2)
		a_str(w, p->g2->hz);
}

/* given.surname, as Chinese companies spell mailboxes */
static void a_person_mailbox(struct out *w, const struct person *p)
{
	a_str(w, p->g1->py);
	if (p->g2)
		a_str(w, p->g2->py);
	buf_addch(&w->b, '.');
	a_str(w, p->sur->py);
}

static void person_name(char *dst, size_t size, const struct person *p)
{
	snprintf(dst, size, "%s%s%s", p->sur->hz, p->g1->hz, p->g2 ? p->g2->hz : "");
}

static const char *const mobile_prefixes[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
	"153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187",
	"188", "189",
};

static void w_mobile(struct out *w, struct rng *r)
{
	const char *prefix = PICK(r, mobile_prefixes);
	w_sep(w);
	buf_add(&w->b, prefix, 3);
	a_uint(w, (unsigned long long)rng_below(r, 100000000), 8);
}

/* A day in the year of someone aged 24 to 60; about one in 250 is 29 February. */
static int birthday(struct gen *g, struct rng *r)
{
	int y = g->today_year - (int)rng_range(r, 24, 60);
	if (rng_chance(r, 0.004)) {
		y -= y % 4;
		if (!is_leap(y))
			y -= 4;
		return days_from_civil(y, 2, 29);
	}
	return days_from_civil(y, 1, 1) + (int)rng_below(r, is_leap(y) ? 366 : 365);
}

static int pick_city(struct gen *g, struct rng *r)
{
	long x = rng_below(r, g->city_total);
	int i;
	for (i = 0; i < (int)ARRAY_SIZE(cities) - 1; i++) {
		x -= cities[i].weight;
		if (x < 0)
			break;
	}
	return i;
}

static int pick_industry(struct rng *r)
{
	int w[ARRAY_SIZE(industries)];
	for (size_t i = 0; i < ARRAY_SIZE(industries); i++)
		w[i] = industries[i].weight;
	return rng_weighted(r, w, (int)ARRAY_SIZE(industries));
}

static void company_make(struct gen *g, struct rng *r, struct company *co, int big)
{
	co->city = pick_city(g, r);
	co->district = (int)rng_below(r, 3);
	co->road = (int)rng_below(r, (long)ARRAY_SIZE(roads));
	co->number = (int)rng_range(r, 1, 999);
	co->building = rng_chance(r, 0.5) ? (int)rng_range(r, 1, 12) : 0;
	co->room = (int)rng_range(r, 1, 28) * 100 + (int)rng_range(r, 1, 20);
	co->brand_a = (int)rng_below(r, (long)ARRAY_SIZE(brand_chars));
	co->brand_b = (int)rng_below(r, (long)ARRAY_SIZE(brand_chars) - 1);
	if (co->brand_b >= co->brand_a)
		co->brand_b++;
	co->industry = pick_industry(r);
	co->word = (int)rng_below(r, industries[co->industry].nwords);
	co->suffix = rng_weighted(r, company_suffix_weights, (int)ARRAY_SIZE(company_suffix_weights));
	if (big && rng_chance(r, 0.5))
		co->suffix = rng_chance(r, 0.5) ? 1 : 3;
	co->city_prefix = rng_chance(r, 0.88);
	co->postcode = cities[co->city].postcode * 1000 + (int)rng_below(r, 1000);
	co->phone = (int)rng_range(r, 20000000, 89999999);
	co->mail_box = (int)rng_below(r, 5);
}

static const struct word *company_word(const struct company *co)
{
	return &industries[co->industry].words[co->word];
}

/* 苏州华信精密机械有限公司 */
static void a_company_name(struct out *w, const struct company *co)
{
	if (co->city_prefix)
		a_str(w, cities[co->city].name);
	a_str(w, brand_chars[co->brand_a].hz);
	a_str(w, brand_chars[co->brand_b].hz);
	a_str(w, company_word(co)->full);
	a_str(w, company_suffixes[co->suffix]);
}

/* 华信机械 */
static void a_company_short(struct out *w, const struct company *co)
{
	a_str(w, brand_chars[co->brand_a].hz);
	a_str(w, brand_chars[co->brand_b].hz);
	a_str(w, company_word(co)->brief);
}

static void a_company_domain(struct out *w, const struct company *co)
{
	a_str(w, brand_chars[co->brand_a].py);
	a_str(w, brand_chars[co->brand_b].py);
	if (co->domain_tag == 'l')
		buf_add(&w->b, "-l", 2);
	a_uint(w, (unsigned long long)co->domain_no, 1);
	buf_adds(&w->b, ".example.test");
}

static void w_company_email(struct out *w, const struct company *co)
{
	static const char *const boxes[] = { "info", "sales", "contact", "service", "office" };
	w_sep(w);
	a_str(w, boxes[co->mail_box]);
	buf_addch(&w->b, '@');
	a_company_domain(w, co);
}

/* 江苏省苏州市工业园区人民路328号3栋1205室 */
static void w_company_address(struct out *w, const struct company *co)
{
	const struct city *ci = &cities[co->city];
	const struct province *pr = &provinces[ci->province];
	w_sep(w);
	if (!pr->city_level)
		a_str(w, pr->full);
	a_str(w, ci->name);
	a_str(w, "市");
	a_str(w, ci->districts[co->district]);
	a_str(w, roads[co->road]);
	a_uint(w, (unsigned long long)co->number, 1);
	a_str(w, "号");
	if (co->building) {
		a_uint(w, (unsigned long long)co->building, 1);
		a_str(w, "栋");
		a_uint(w, (unsigned long long)co->room, 1);
		a_str(w, "室");
	}
}

static void w_company_postcode(struct out *w, const struct company *co)
{
	w_sep(w);
	a_uint(w, (unsigned long long)co->postcode, 6);
}

static void w_company_phone(struct out *w, const struct company *co)
{
	w_sep(w);
	a_str(w, cities[co->city].area);
	buf_addch(&w->b, '-');
	a_uint(w, (unsigned long long)co->phone, 8);
}

static long province_id(int city)
{
	return (long)ARRAY_SIZE(regions) + cities[city].province + 1;
}

/* ------------------------------------------------------------- planning */

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int maxi(int a, int b)
{
	return a > b ? a : b;
}

static int mini(int a, int b)
{
	return a < b ? a : b;
}

static void cust_plan(struct gen *g, long c, struct cust *cu)
{
	struct rng r;
	double z, zc;
	int u;

	rng_init(&r, g->seed, TAG_CUST, (uint64_t)c, 0);
	cu->idx = c;
	z = rng_normal(&r);
	cu->size = exp(SIZE_SIGMA * z);
	zc = z + 0.3 * rng_normal(&r);
	if (zc > 1.645)
		cu->category = 0; /* top 5 %: 大客户 */
	else if (zc > 0.842)
		cu->category = 1; /* next 15 %: 重点客户 */
	else
		cu->category = rng_chance(&r, 0.4) ? 3 : 4;
	u = (int)rng_below(&r, 100);
	cu->status = u < 8 ? 1 : u < 14 ? 2 : 0;
	cu->owner = (int)rng_below(&r, g->nsp);
	if (cu->status == 1)
		cu->created = g->today - (int)rng_range(&r, 7, 365);
	else
		cu->created = g->today - (int)rng_range(&r, 30, 1460);
	cu->start = maxi(cu->created, g->today - HISTORY_DAYS);
	cu->end = g->today - 1;
	if (cu->status == 2) /* inactive: it stopped buying some time ago */
		cu->end = mini(g->today - 1, maxi(cu->start + 30, g->today - (int)rng_range(&r, 60, 720)));
	if (cu->category == 0) {
		cu->credit_days = 90;
		cu->credit_limit = rng_range(&r, 100, 300) * 1000000LL;
	} else if (cu->category == 1) {
		cu->credit_days = 60;
		cu->credit_limit = rng_range(&r, 30, 100) * 1000000LL;
	} else {
		static const int days[] = { 0, 15, 30, 30, 45 };
		cu->credit_days = PICK(&r, days);
		cu->credit_limit = rng_range(&r, 0, 20) * 1000000LL;
	}
	company_make(g, &r, &cu->co, cu->category == 0);
	cu->co.domain_no = c + 1;
	cu->co.domain_tag = 'c';
}

static void lead_plan(struct gen *g, long l, struct lead *ld)
{
	struct rng r;
	int age;

	rng_init(&r, g->seed, TAG_LEAD, (uint64_t)l, 0);
	ld->idx = l;
	ld->customer = -1;
	ld->source = rng_weighted(&r, lead_source_weights, (int)ARRAY_SIZE(lead_source_weights));
	company_make(g, &r, &ld->co, 0);
	ld->co.domain_no = l + 1;
	ld->co.domain_tag = 'l';
	ld->owner = (int)rng_below(&r, g->nsp);
	if (rng_chance(&r, 0.15)) {
		/* converted: it became the customer it names */
		struct cust cu;
		ld->status = 2;
		ld->customer = (long)(((uint64_t)l * (uint64_t)g->lead_step) % (uint64_t)g->ncust);
		cust_plan(g, ld->customer, &cu);
		ld->created = cu.created - (int)rng_range(&r, 14, 180);
		ld->owner = cu.owner;
		ld->co = cu.co;
		return;
	}
	ld->created = g->today - (int)rng_range(&r, 1, 730);
	age = g->today - ld->created;
	ld->status = rng_weighted(&r, age < 30 ? lead_young_status : lead_old_status, 4);
	if (ld->status == 0 && rng_chance(&r, 0.4))
		ld->owner = -1;
}

enum { OPP_OPEN, OPP_WON, OPP_LOST, OPP_ABANDONED };
static const char *const opp_status_names[] = { "open", "won", "lost", "abandoned" };

static long long round_yuan(double cents, long long step_yuan)
{
	long long step = step_yuan * 100;
	long long v = (long long)(cents / (double)step + 0.5) * step;
	return v < step ? step : v;
}

/* A customer's size, damped: both how often and how much it buys. */
static double cust_scale(const struct cust *cu)
{
	return sqrt(cu->size) / exp(SIZE_SIGMA * SIZE_SIGMA / 8); /* that is, E[sqrt(size)] */
}

static long cust_contact(struct gen *g, const struct cust *cu, struct rng *r)
{
	uint32_t first = g->contact_first[cu->idx], n = g->contact_first[cu->idx + 1] - first;
	return (long)first + rng_below(r, (long)n) + 1;
}

static void opp_plan(struct gen *g, const struct cust *cu, long id, struct opp *op)
{
	struct rng r;
	int u, d, last, end, points, span, lo;
	double p_prj = cu->category == 0 ? 0.5 : cu->category == 1 ? 0.3 : 0.1;

	rng_init(&r, g->seed, TAG_OPP, (uint64_t)id, 0);
	op->id = id;
	op->mode = rng_chance(&r, p_prj);
	op->nstages = modes[op->mode].nstages;
	u = (int)rng_below(&r, 100);
	if (cu->status == 1) /* a potential customer has not bought yet */
		op->status = u < 60 ? OPP_OPEN : u < 90 ? OPP_LOST : OPP_ABANDONED;
	else
		op->status = u < 38 ? OPP_WON : u < 65 ? OPP_LOST : u < 75 ? OPP_ABANDONED : OPP_OPEN;
	if (cu->status == 2 && op->status == OPP_OPEN)
		op->status = OPP_ABANDONED; /* nobody follows an inactive customer */
	last = cu->status == 2 ? cu->end : g->today - 1;
	d = (int)rng_range(&r, 10, 250);
	if (op->status != OPP_OPEN && cu->start + d > last) {
		d = last - cu->start;
		if (d < 0 || (cu->status != 2 && d < 10)) {
			op->status = OPP_OPEN;
			d = 0;
		}
	}
	if (op->status != OPP_OPEN) {
		op->created = cu->start + (int)rng_below(&r, last - d - cu->start + 1);
		op->closed = op->created + d;
		end = op->closed;
	} else {
		lo = mini(maxi(cu->start, g->today - 300), g->today - 1);
		op->created = lo + (int)rng_below(&r, g->today - lo);
		op->closed = 0;
		end = g->today - 1;
	}
	if (op->status == OPP_WON) {
		op->stage = op->nstages;
		points = op->nstages - 1;
	} else {
		op->stage = 1 + rng_weighted(&r, modes[op->mode].open_weights, op->nstages - 1);
		points = op->stage;
	}
	span = end - op->created;
	op->entered[0] = op->created;
	for (int i = 1; i < points; i++)
		op->entered[i] = op->created + (int)((double)span * ((double)i - 0.4 + 0.8 * rng_unif(&r)) / points);
	if (op->status == OPP_WON)
		op->entered[op->nstages - 1] = op->closed;
	if (op->status == OPP_OPEN) {
		if (rng_chance(&r, 0.15)) /* overdue: expected to close already */
			op->expected = g->today - (int)rng_range(&r, 1, 45);
		else
			op->expected = g->today + (int)rng_range(&r, 7, 180);
	} else {
		op->expected = op->closed + (int)rng_range(&r, -30, 30);
	}
	op->expected = maxi(op->expected, op->created);
	op->amount = round_yuan(4000000.0 * cust_scale(cu) * exp(0.5 * rng_normal(&r)) * (op->mode ? 2.5 : 1.0), 100);
	op->owner = rng_chance(&r, 0.9) ? cu->owner : (int)rng_below(&r, g->nsp);
	op->contact = rng_chance(&r, 0.85) ? cust_contact(g, cu, &r) : 0;
	op->reason = -1;
	op->competitor = -1;
	if (op->status == OPP_LOST) {
		op->reason = rng_weighted(&r, fail_reason_weights, (int)ARRAY_SIZE(fail_reason_weights));
		if (rng_chance(&r, 0.8))
			op->competitor = (int)rng_below(&r, (long)ARRAY_SIZE(competitors));
	} else if (op->status == OPP_ABANDONED && rng_chance(&r, 0.6)) {
		op->reason = 100 + (int)rng_below(&r, (long)ARRAY_SIZE(abandon_reasons));
	}
	op->line = (int)rng_below(&r, (long)ARRAY_SIZE(product_lines));
	op->suffix = (int)rng_below(&r, (long)ARRAY_SIZE(opp_suffixes));
}

static const char *opp_reason(const struct opp *op)
{
	if (op->reason < 0)
		return NULL;
	return op->reason >= 100 ? abandon_reasons[op->reason - 100] : fail_reasons[op->reason];
}

static void add_order(struct gen *g, size_t *n, long opp, int day, int owner, long long target)
{
	ALLOC_GROW(g->orders, *n + 1, g->orders_alloc);
	g->orders[*n].opp = opp;
	g->orders[*n].day = day;
	g->orders[*n].owner = owner;
	g->orders[*n].target = target;
	(*n)++;
}

/* A customer's orders into g->orders, by date: one for each won
 * opportunity, and repeat business as often as its size says. */
static size_t cust_orders(struct gen *g, const struct cust *cu)
{
	struct rng r;
	struct opp op;
	size_t n = 0;
	double years;
	long k;

	if (cu->status == 1)
		return 0;
	for (uint32_t o = g->opp_first[cu->idx]; o < g->opp_first[cu->idx + 1]; o++) {
		opp_plan(g, cu, (long)o + 1, &op);
		if (op.status == OPP_WON)
			add_order(g, &n, op.id, op.closed, op.owner, op.amount);
	}
	rng_init(&r, g->seed, TAG_ORDERS, (uint64_t)cu->idx, 0);
	years = (double)(cu->end - cu->start + 1) / 365.0;
	/* a customer buys: one that won no opportunity has at least one order */
	k = (n ? 0 : 1) + (years > 0 ? rng_poisson(&r, 0.45 * years * cust_scale(cu)) : 0);
	while (k-- > 0) {
		int day = cu->start + (int)rng_below(&r, cu->end - cu->start + 1);
		long long target = round_yuan(2500000.0 * cust_scale(cu) * exp(0.6 * rng_normal(&r)), 10);
		int owner = rng_chance(&r, 0.95) ? cu->owner : (int)rng_below(&r, g->nsp);
		add_order(g, &n, 0, day, owner, target);
	}
	for (size_t i = 1; i < n; i++) { /* insertion sort: a customer has few orders */
		struct order t = g->orders[i];
		size_t j = i;
		for (; j > 0 && g->orders[j - 1].day > t.day; j--)
			g->orders[j] = g->orders[j - 1];
		g->orders[j] = t;
	}
	return n;
}

static int pick_product(struct gen *g, struct rng *r)
{
	double x = rng_unif(r) * g->product_cum[g->nproducts - 1];
	int lo = 0, hi = g->nproducts - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (g->product_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The lines of order id, aiming at target cents; returns how many (<= 6). */
static int order_lines(struct gen *g, long id, long long target, int category, struct line *lines)
{
	static const int nline_weights[] = { 30, 25, 18, 12, 9, 6 };
	struct rng r;
	double share[6], sum = 0;
	double disc_max = category == 0 ? 0.25 : category == 1 ? 0.18 : 0.12;
	int n;

	rng_init(&r, g->seed, TAG_LINES, (uint64_t)id, 0);
	n = 1 + rng_weighted(&r, nline_weights, 6);
	n = mini(n, 1 + (int)(target / 1000000));
	for (int i = 0; i < n; i++) {
		share[i] = 0.5 + rng_unif(&r);
		sum += share[i];
	}
	for (int i = 0; i < n; i++) {
		double want = (double)target * share[i] / sum;
		int best = -1;
		double best_miss = 0;
		/* something that fits the budget: from one to a few hundred of it */
		for (int t = 0; t < 8; t++) {
			int p = pick_product(g, &r);
			double qty = want / (double)g->products[p].price;
			double miss = qty < 0.7 ? 0.7 / qty : qty > 200 ? qty / 200 : 0;
			if (best < 0 || miss < best_miss) {
				best = p;
				best_miss = miss;
			}
			if (miss == 0)
				break;
		}
		long long list = g->products[best].price;
		long long price = (long long)((double)list * (1.0 - disc_max * rng_unif(&r)));
		if (price >= 10000)
			price -= price % 100;
		long qty = (long)(want / (double)price + 0.5);
		lines[i].product = best;
		lines[i].qty = qty < 1 ? 1 : qty > 999 ? 999 : qty;
		lines[i].price = price;
		lines[i].cost = g->products[best].cost;
	}
	return n;
}

static long long lines_total(const struct line *lines, int n)
{
	long long total = 0;
	for (int i = 0; i < n; i++)
		total += lines[i].qty * lines[i].price;
	return total;
}

/* Whether and when an order is invoiced and paid. */
struct billing {
	int invoiced, inv_day;
	long long inv_amount;
	int paid, rec_day;
	long long rec_amount;
};

static void billing_plan(struct gen *g, const struct cust *cu, long order_id, int day, long long total,
			 struct billing *b)
{
	struct rng r;
	rng_init(&r, g->seed, TAG_BILLING, (uint64_t)order_id, 0);
	memset(b, 0, sizeof(*b));
	b->inv_day = day + (int)rng_range(&r, 0, 20);
	b->invoiced = rng_chance(&r, g->today - day < 30 ? 0.6 : 0.93) && b->inv_day <= g->today - 1;
	if (!b->invoiced)
		return;
	b->inv_amount = total;
	b->rec_day = b->inv_day + (int)rng_range(&r, 0, cu->credit_days + 30);
	b->paid = rng_chance(&r, cu->status == 2 ? 0.65 : 0.92) && b->rec_day <= g->today - 1;
	b->rec_amount = total;
	if (b->paid && rng_chance(&r, 0.08)) /* paid in part: arrears remain */
		b->rec_amount = total * (long long)rng_range(&r, 30, 80) / 100;
}

enum { ACT_PLANNED, ACT_DONE, ACT_CANCELLED };
static const char *const act_status_names[] = { "planned", "done", "cancelled" };

/* subject = pre + short name + post, per type */
static const char *const subjects[4][3][2] = {
	{ { "拜访", "" }, { "", "季度回访" }, { "走访", "了解需求" } },
	{ { "电话沟通", "采购需求" }, { "电话跟进报价：", "" }, { "电话回访", "" } },
	{ { "", "项目启动会" }, { "", "方案评审会" }, { "与", "商务洽谈" } },
	{ { "", "产品演示" }, { "为", "做方案演示" }, { "", "现场试用演示" } },
};

static void act_make(struct gen *g, struct rng *r, int lo, int hi, struct act *a)
{
	static const int remind_minutes[] = { 30, 60, 1440 };
	int day, age;

	a->type = rng_weighted(r, activity_type_weights, (int)ARRAY_SIZE(activity_type_weights));
	a->subject = (int)rng_below(r, 3);
	day = hi > lo ? lo + (int)rng_below(r, hi - lo + 1) : lo;
	a->planned = at_time(day, office_minute(r));
	a->remind = rng_chance(r, 0.6) ? a->planned - PICK(r, remind_minutes) : NO_TIME;
	a->done = NO_TIME;
	a->reviewed = NO_TIME;
	a->result = -1;
	a->review = -1;
	age = g->today - day;
	if (age <= 0) {
		a->status = ACT_PLANNED;
	} else {
		static const int old[] = { 0, 90, 10 }, recent[] = { 24, 70, 6 };
		a->status = rng_weighted(r, age > 90 ? old : recent, 3);
	}
	if (a->status == ACT_DONE) {
		a->done = a->planned + rng_range(r, 30, 180);
		a->result = (int)rng_below(r, (long)ARRAY_SIZE(activity_results));
		if (day <= g->today - 4 && rng_chance(r, 0.2)) {
			a->review = (int)rng_below(r, (long)ARRAY_SIZE(reviews));
			a->reviewed = at_time(day + (int)rng_range(r, 1, 3), office_minute(r));
		}
	} else if (a->status == ACT_CANCELLED && rng_chance(r, 0.5)) {
		a->result = 100 + (int)rng_below(r, (long)ARRAY_SIZE(cancel_results));
	}
}

static void add_act(struct gen *g, size_t *n, const struct act *a)
{
	ALLOC_GROW(g->acts, *n + 1, g->acts_alloc);
	g->acts[(*n)++] = *a;
}

/* A customer's activities into g->acts: its own, then its opportunities'. */
static size_t cust_acts(struct gen *g, const struct cust *cu)
{
	struct rng r;
	struct act a;
	struct opp op;
	size_t n = 0;
	long k;
	int hi = cu->status == 2 ? cu->end : g->today + 30;

	rng_init(&r, g->seed, TAG_ACTS, (uint64_t)cu->idx, 0);
	k = rng_poisson(&r, cu->status == 1 ? 0.6 : 0.7 * pow(cu->size, 0.3) / exp(0.045 * SIZE_SIGMA * SIZE_SIGMA));
	while (k-- > 0) {
		act_make(g, &r, cu->start, hi, &a);
		a.contact = rng_chance(&r, 0.7) ? cust_contact(g, cu, &r) : 0;
		a.opp = 0;
		a.lead = 0;
		a.owner = cu->owner;
		add_act(g, &n, &a);
	}
	for (uint32_t o = g->opp_first[cu->idx]; o < g->opp_first[cu->idx + 1]; o++) {
		opp_plan(g, cu, (long)o + 1, &op);
		rng_init(&r, g->seed, TAG_OPP_ACTS, (uint64_t)o + 1, 0);
		k = op.status == OPP_OPEN || op.status == OPP_WON ? rng_range(&r, 1, 3) : rng_range(&r, 0, 2);
		while (k-- > 0) {
			act_make(g, &r, op.created, op.status == OPP_OPEN ? g->today + 21 : op.closed, &a);
			a.contact = op.contact && rng_chance(&r, 0.8) ? op.contact : 0;
			a.opp = op.id;
			a.lead = 0;
			a.owner = op.owner;
			add_act(g, &n, &a);
		}
	}
	return n;
}

enum { CP_NEW, CP_ASSIGNED, CP_PROCESSING, CP_RESOLVED, CP_VERIFIED, CP_REOPENED };
static const char *const complaint_status_names[] = { "new", "assigned", "processing", "resolved", "verified",
						      "reopened" };
static const char *const complaint_notes[] = { "登记投诉", "已分配处理人", "开始处理", "已处理完毕，等待客户验证",
					       "客户确认问题已解决", "客户反馈问题未解决，重新打开" };

/* One complaint and the workflow steps it went through (each with a time). */
struct complaint {
	long contact;
	int product; /* -1: none */
	int reason, text, assignee;
	int nsteps;   /* steps[0 .. nsteps-1]: new, assigned, processing, resolved, then verified or reopened */
	int steps[5]; /* the status of each step */
	int64_t at[5];
};

static void complaint_plan(struct gen *g, struct rng *r, const struct cust *cu, struct complaint *cp)
{
	static const int fresh[] = { 40, 30, 30, 0, 0, 0 }, recent[] = { 0, 10, 30, 35, 20, 5 },
			 old[] = { 0, 0, 4, 14, 77, 5 };
	int day = cu->start + 7 + (int)rng_below(r, maxi(1, g->today - 1 - (cu->start + 7) + 1));
	int age, target;
	int64_t now = at_time(g->today, 0), t;

	day = mini(day, g->today - 1);
	cp->reason = rng_weighted(r, complaint_reason_weights, (int)ARRAY_SIZE(complaint_reason_weights));
	cp->text = (int)rng_below(r, 3);
	cp->contact = rng_chance(r, 0.8) ? cust_contact(g, cu, r) : 0;
	cp->product = rng_chance(r, 0.85) ? pick_product(g, r) : -1;
	cp->assignee = rng_chance(r, 0.7) ? cu->owner : (int)rng_below(r, g->nsp);
	age = g->today - day;
	target = rng_weighted(r, age < 3 ? fresh : age < 30 ? recent : old, 6);
	t = at_time(day, office_minute(r) + (int)rng_below(r, 30));
	cp->steps[0] = CP_NEW;
	cp->at[0] = t;
	cp->nsteps = 1;
	/* walk the workflow towards target, stopping at what has happened by now */
	int path[4] = { CP_ASSIGNED, CP_PROCESSING, CP_RESOLVED, target };
	int len = target <= CP_RESOLVED ? target : 4;
	for (int i = 0; i < len; i++) {
		switch (path[i]) {
		case CP_ASSIGNED: t += rng_range(r, 30, 1440); break;
		case CP_PROCESSING: t += rng_range(r, 60, 2880); break;
		case CP_RESOLVED: t += rng_range(r, 1, 10) * 1440 + rng_range(r, 0, 480); break;
		default: t += rng_range(r, 1, 7) * 1440 + rng_range(r, 0, 480); break;
		}
		if (t >= now)
			break;
		cp->steps[cp->nsteps] = path[i];
		cp->at[cp->nsteps] = t;
		cp->nsteps++;
	}
}

/* ------------------------------------------------ organisation, catalogue */

static void a_chinese_number(struct out *w, int n)
{
	if (n >= 100) {
		a_str(w, "一百");
		return;
	}
	if (n >= 20)
		a_str(w, chinese_digits[n / 10]);
	if (n >= 10)
		a_str(w, "十");
	a_str(w, chinese_digits[n % 10]);
}

/* The salespeople and the catalogue, which every later table draws on. */
static void gen_setup(struct gen *g)
{
	struct rng r;
	struct person p;
	long n;

	g->nsp = (int)((g->ncust + 199) / 200);
	g->nsp = clampi(g->nsp, 5, 2000);
	g->ndept = clampi((g->nsp + 9) / 10, 3, 100);
	g->sp = xcalloc((size_t)g->nsp, sizeof(*g->sp));
	rng_init(&r, g->seed, TAG_ORG, 1, 0);
	for (int i = 0; i < g->nsp; i++) {
		struct salesperson *s = &g->sp[i];
		person_make(&r, &p);
		snprintf(s->code, sizeof(s->code), "S%04d", i + 1);
		snprintf(s->login, sizeof(s->login), "s%04d", i + 1);
		person_name(s->name, sizeof(s->name), &p);
		snprintf(s->email, sizeof(s->email), "%s%s.%s%d@corp.example.test", p.g1->py, p.g2 ? p.g2->py : "",
			 p.sur->py, i + 1);
		s->dept = i % g->ndept; /* salesperson d heads department d */
	}

	n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(product_lines); i++)
		n += product_lines[i].nvariants;
	g->nproducts = (int)n;
	g->products = xcalloc((size_t)n, sizeof(*g->products));
	g->product_cum = xcalloc((size_t)n, sizeof(*g->product_cum));
	n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(product_lines); i++) {
		const struct product_line *pl = &product_lines[i];
		double base;
		rng_init(&r, g->seed, TAG_PRODUCT, i, 0);
		base = pl->lo + (pl->hi - pl->lo) * rng_unif(&r);
		for (int v = 0; v < pl->nvariants; v++, n++) {
			struct product *pr = &g->products[n];
			double price = base * (1.0 + 0.7 * v);
			long long step = price >= 10000 ? 100 : price >= 1000 ? 10 : 1;
			pr->line = (int)i;
			pr->category = pl->category;
			pr->price = ((long long)(price / (double)step + 0.5)) * step * 100;
			pr->cost = ((long long)((double)pr->price * (0.45 + 0.3 * rng_unif(&r)) / 100.0)) * 100;
			if (pl->nvariants == 1)
				snprintf(pr->name, sizeof(pr->name), "%s", pl->base);
			else
				snprintf(pr->name, sizeof(pr->name), "%s %s", pl->base,
					 pl->software ? editions[v] : models[v]);
		}
	}
	/* popularity: a few products sell most (Zipf-like, in a shuffled order) */
	{
		int *rank = xcalloc((size_t)g->nproducts, sizeof(*rank));
		double cum = 0;
		rng_init(&r, g->seed, TAG_PRODUCT, 1000, 0);
		for (int i = 0; i < g->nproducts; i++)
			rank[i] = i;
		for (int i = g->nproducts - 1; i > 0; i--) {
			int j = (int)rng_below(&r, i + 1), t = rank[i];
			rank[i] = rank[j];
			rank[j] = t;
		}
		for (int i = 0; i < g->nproducts; i++) {
			cum += 1.0 / (rank[i] + 4);
			g->product_cum[i] = cum;
		}
		free(rank);
	}
}

static void gen_tree(struct gen *g, const char *stage, const char *sql, const struct category *rows, size_t n)
{
	struct out *w = &g->w;
	out_begin(g, stage, sql, (long)n);
	for (size_t i = 0; i < n; i++) {
		w_int(w, (long long)i + 1);
		w_str(w, rows[i].code);
		w_str(w, rows[i].name);
		w_ref(w, rows[i].parent + 1);
		w_end(g);
	}
	out_end(g);
}

static void gen_org(struct gen *g)
{
	struct out *w = &g->w;
	struct rng r;
	struct person p;
	long id;

	out_begin(g, "departments", "COPY crm.department (id, code, name, parent_id) FROM STDIN", g->ndept + 4);
	w_int(w, 1);
	w_str(w, "D00");
	w_str(w, "公司");
	w_null(w);
	w_end(g);
	for (int d = 0; d < g->ndept; d++) {
		w_int(w, d + 2);
		w_code(w, "D", d + 1, 2);
		w_sep(w);
		a_str(w, "销售");
		a_chinese_number(w, d + 1);
		a_str(w, "部");
		w_int(w, 1);
		w_end(g);
	}
	{
		static const char *const staff[][2] = { { "MKT", "市场部" }, { "SVC", "客服部" }, { "FIN", "财务部" } };
		for (size_t i = 0; i < ARRAY_SIZE(staff); i++) {
			w_int(w, g->ndept + 2 + (long long)i);
			w_str(w, staff[i][0]);
			w_str(w, staff[i][1]);
			w_int(w, 1);
			w_end(g);
		}
	}
	g->st.departments = out_end(g);

	out_begin(g, "salespeople", "COPY crm.salesperson (id, code, name, department_id, email, mobile) FROM STDIN",
		  g->nsp);
	rng_init(&r, g->seed, TAG_ORG, 2, 0);
	for (int i = 0; i < g->nsp; i++) {
		w_int(w, i + 1);
		w_str(w, g->sp[i].code);
		w_str(w, g->sp[i].name);
		w_int(w, g->sp[i].dept + 2);
		w_str(w, g->sp[i].email);
		w_mobile(w, &r);
		w_end(g);
	}
	g->st.salespeople = out_end(g);

	out_begin(g, "users", "COPY crm.app_user (id, login, name, role, salesperson_id) FROM STDIN", g->nsp + 5);
	id = 1;
	w_int(w, id++);
	w_str(w, "admin");
	w_str(w, "系统管理员");
	w_str(w, "admin");
	w_null(w);
	w_end(g);
	for (int i = 0; i < g->nsp; i++) {
		w_int(w, id++);
		w_str(w, g->sp[i].login);
		w_str(w, g->sp[i].name);
		w_str(w, i < g->ndept ? "sales_manager" : "salesperson");
		w_int(w, i + 1);
		w_end(g);
	}
	{
		static const char *const staff[][2] = { { "custadmin", "customer_admin" },
							{ "marketer", "marketer" },
							{ "service", "service_supervisor" },
							{ "ceo", "executive" } };
		rng_init(&r, g->seed, TAG_ORG, 3, 0);
		for (size_t i = 0; i < ARRAY_SIZE(staff); i++) {
			person_make(&r, &p);
			w_int(w, id++);
			w_str(w, staff[i][0]);
			w_sep(w);
			a_person_name(w, &p);
			w_str(w, staff[i][1]);
			w_null(w);
			w_end(g);
		}
	}
	g->st.users = out_end(g);

	gen_tree(g, "customer categories", "COPY crm.customer_category (id, code, name, parent_id) FROM STDIN",
		 customer_categories, ARRAY_SIZE(customer_categories));

	out_begin(g, "regions", "COPY crm.region (id, code, name, parent_id) FROM STDIN",
		  (long)(ARRAY_SIZE(regions) + ARRAY_SIZE(provinces)));
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++) {
		w_int(w, (long long)i + 1);
		w_str(w, regions[i].code);
		w_str(w, regions[i].name);
		w_null(w);
		w_end(g);
	}
	for (size_t i = 0; i < ARRAY_SIZE(provinces); i++) {
		w_int(w, (long long)(ARRAY_SIZE(regions) + i) + 1);
		w_str(w, provinces[i].code);
		w_str(w, provinces[i].name);
		w_int(w, provinces[i].region + 1);
		w_end(g);
	}
	out_end(g);

	gen_tree(g, "product categories", "COPY crm.product_category (id, code, name, parent_id) FROM STDIN",
		 product_categories, ARRAY_SIZE(product_categories));

	out_begin(g, "products", "COPY crm.product (id, code, name, category_id, unit, list_price, cost) FROM STDIN",
		  g->nproducts);
	for (int i = 0; i < g->nproducts; i++) {
		const struct product *pr = &g->products[i];
		w_int(w, i + 1);
		w_code(w, "PR", i + 1, 4);
		w_str(w, pr->name);
		w_int(w, pr->category + 1);
		w_str(w, product_lines[pr->line].unit);
		w_money(w, pr->price);
		w_money(w, pr->cost);
		w_end(g);
	}
	g->st.products = out_end(g);

	out_begin(g, "sales modes", "COPY crm.sales_mode (id, code, name) FROM STDIN", (long)ARRAY_SIZE(modes));
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		w_int(w, (long long)i + 1);
		w_str(w, modes[i].code);
		w_str(w, modes[i].name);
		w_end(g);
	}
	out_end(g);
	out_begin(g, "sales stages", "COPY crm.sales_stage (id, mode_id, seq, name, probability) FROM STDIN", 11);
	id = 1;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		for (int s = 0; s < modes[i].nstages; s++) {
			w_int(w, id++);
			w_int(w, (long long)i + 1);
			w_int(w, s + 1);
			w_str(w, modes[i].stages[s].name);
			w_int(w, modes[i].stages[s].probability);
			w_end(g);
		}
	}
	out_end(g);

	out_begin(g, "competitors", "COPY crm.competitor (id, code, name, strengths, weaknesses, products) FROM STDIN",
		  (long)ARRAY_SIZE(competitors));
	for (size_t i = 0; i < ARRAY_SIZE(competitors); i++) {
		w_int(w, (long long)i + 1);
		w_code(w, "K", (long)i + 1, 2);
		w_str(w, competitors[i].name);
		w_str(w, competitors[i].strengths);
		w_str(w, competitors[i].weaknesses);
		w_str(w, competitors[i].products);
		w_end(g);
	}
	g->st.competitors = out_end(g);
}

/* ------------------------------------------------- customers and contacts */

static const char *const cust_status_names[] = { "active", "potential", "inactive" };

static void gen_customers(struct gen *g)
{
	struct out *w = &g->w;
	struct cust cu;

	out_begin(g, "customers",
		  "COPY crm.customer (id, code, name, short_name, category_id, region_id, industry, status, owner_id,"
		  " address, postcode, phone, email, credit_days, credit_limit, created_on) FROM STDIN",
		  g->ncust);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		cust_plan(g, c, &cu);
		w_int(w, c + 1);
		w_code(w, "C", c + 1, 7);
		w_sep(w);
		a_company_name(w, &cu.co);
		w_sep(w);
		a_company_short(w, &cu.co);
		w_int(w, cu.category + 1);
		w_int(w, province_id(cu.co.city));
		w_str(w, industries[cu.co.industry].name);
		w_str(w, cust_status_names[cu.status]);
		w_int(w, cu.owner + 1);
		w_company_address(w, &cu.co);
		w_company_postcode(w, &cu.co);
		w_company_phone(w, &cu.co);
		w_company_email(w, &cu.co);
		w_int(w, cu.credit_days);
		w_money(w, cu.credit_limit);
		w_date(w, cu.created);
		w_end(g);
	}
	g->st.customers = out_end(g);
}

static void w_person_email(struct out *w, const struct person *p, const struct company *co)
{
	w_sep(w);
	a_person_mailbox(w, p);
	buf_addch(&w->b, '@');
	a_company_domain(w, co);
}

static void gen_contacts(struct gen *g)
{
	static const int count_weights[] = { 40, 32, 15, 8, 5 }; /* 2.06 on average */
	struct out *w = &g->w;
	struct cust cu;
	struct rng r;
	struct person p;
	uint32_t id = 0;

	g->contact_first = xcalloc((size_t)g->ncust + 1, sizeof(*g->contact_first));
	out_begin(g, "contacts",
		  "COPY crm.contact (id, code, customer_id, name, gender, title, department, reports_to_id, birthday,"
		  " mobile, phone, email, address, postcode, email_opt_out, sms_opt_out, mail_opt_out) FROM STDIN",
		  g->ncust * 24 / 10);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		int n;
		cust_plan(g, c, &cu);
		rng_init(&r, g->seed, TAG_CONTACTS, (uint64_t)c, 0);
		n = 1 + rng_weighted(&r, count_weights, 5);
		if (cu.category == 0 && n < 5)
			n++;
		g->contact_first[c] = id;
		for (int k = 0; k < n; k++) {
			const struct title *t = k ? &PICK(&r, titles) : &PICK(&r, top_titles);
			person_make(&r, &p);
			w_int(w, ++id);
			w_code(w, "CT", id, 8);
			w_int(w, c + 1);
			w_sep(w);
			a_person_name(w, &p);
			w_str(w, p.female ? "女" : "男");
			w_str(w, t->title);
			w_str(w, t->department);
			/* a tree: everyone reports to someone listed before them,
			 * most to the top */
			if (k == 0)
				w_null(w);
			else if (k == 1 || rng_chance(&r, 0.5))
				w_int(w, g->contact_first[c] + 1);
			else
				w_int(w, g->contact_first[c] + 1 + rng_below(&r, k));
			if (rng_chance(&r, 0.9))
				w_date(w, birthday(g, &r));
			else
				w_null(w);
			if (rng_chance(&r, 0.92))
				w_mobile(w, &r);
			else
				w_null(w);
			if (rng_chance(&r, 0.6)) {
				w_sep(w);
				a_str(w, cities[cu.co.city].area);
				buf_addch(&w->b, '-');
				a_uint(w, (unsigned long long)rng_range(&r, 20000000, 89999999), 8);
				if (rng_chance(&r, 0.3)) {
					buf_addch(&w->b, '-');
					a_uint(w, (unsigned long long)rng_range(&r, 800, 8999), 1);
				}
			} else {
				w_null(w);
			}
			if (rng_chance(&r, 0.85))
				w_person_email(w, &p, &cu.co);
			else
				w_null(w);
			if (rng_chance(&r, 0.3)) {
				w_company_address(w, &cu.co);
				w_company_postcode(w, &cu.co);
			} else {
				w_null(w);
				w_null(w);
			}
			w_bool(w, rng_chance(&r, 0.04));
			w_bool(w, rng_chance(&r, 0.03));
			w_bool(w, rng_chance(&r, 0.02));
			w_end(g);
		}
	}
	g->contact_first[g->ncust] = id;
	g->st.contacts = out_end(g);
}

/* ------------------------------------------------------------------ leads */

static const char *const lead_status_names[] = { "new", "following", "converted", "invalid" };

static void gen_leads(struct gen *g)
{
	struct out *w = &g->w;
	struct lead ld;

	out_begin(g, "leads",
		  "COPY crm.lead (id, code, name, source, industry, region_id, status, owner_id, phone, email, address,"
		  " postcode, created_on, converted_customer_id) FROM STDIN",
		  g->nleads);
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		lead_plan(g, l, &ld);
		w_int(w, l + 1);
		w_code(w, "L", l + 1, 7);
		w_sep(w);
		a_company_name(w, &ld.co);
		w_str(w, lead_sources[ld.source]);
		w_str(w, industries[ld.co.industry].name);
		w_int(w, province_id(ld.co.city));
		w_str(w, lead_status_names[ld.status]);
		w_ref(w, ld.owner + 1);
		w_company_phone(w, &ld.co);
		w_company_email(w, &ld.co);
		w_company_address(w, &ld.co);
		w_company_postcode(w, &ld.co);
		w_date(w, ld.created);
		w_ref(w, ld.customer + 1);
		w_end(g);
	}
	g->st.leads = out_end(g);
}

static void gen_lead_contacts(struct gen *g)
{
	static const int count_weights[] = { 65, 25, 10 };
	struct out *w = &g->w;
	struct lead ld;
	struct rng r;
	struct person p;
	long id = 0;

	out_begin(g, "lead contacts",
		  "COPY crm.lead_contact (id, code, lead_id, name, gender, title, birthday, mobile, email, address,"
		  " postcode, email_opt_out, sms_opt_out, mail_opt_out) FROM STDIN",
		  g->nleads * 145 / 100);
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		int n;
		lead_plan(g, l, &ld);
		rng_init(&r, g->seed, TAG_LEAD_CONTACTS, (uint64_t)l, 0);
		n = 1 + rng_weighted(&r, count_weights, 3);
		for (int k = 0; k < n; k++) {
			const struct title *t = k ? &PICK(&r, titles) : &PICK(&r, top_titles);
			person_make(&r, &p);
			w_int(w, ++id);
			w_code(w, "LC", id, 7);
			w_int(w, l + 1);
			w_sep(w);
			a_person_name(w, &p);
			w_str(w, p.female ? "女" : "男");
			w_str(w, t->title);
			if (rng_chance(&r, 0.6))
				w_date(w, birthday(g, &r));
			else
				w_null(w);
			if (rng_chance(&r, 0.9))
				w_mobile(w, &r);
			else
				w_null(w);
			if (rng_chance(&r, 0.7))
				w_person_email(w, &p, &ld.co);
			else
				w_null(w);
			if (rng_chance(&r, 0.2)) {
				w_company_address(w, &ld.co);
				w_company_postcode(w, &ld.co);
			} else {
				w_null(w);
				w_null(w);
			}
			w_bool(w, rng_chance(&r, 0.03));
			w_bool(w, rng_chance(&r, 0.03));
			w_bool(w, rng_chance(&r, 0.02));
			w_end(g);
		}
	}
	g->st.lead_contacts = out_end(g);
}

/* ---------------------------------------------------------- product intents */

static const char *const intent_status_names[] = { "unconfirmed", "confirmed", "converted", "closed" };

static void w_intent(struct gen *g, struct rng *r, long *id, long cust, long lead, int lo, int hi, int status,
		     double scale)
{
	struct out *w = &g->w;
	int product = pick_product(g, r);
	int created = lo + (int)rng_below(r, maxi(1, hi - lo + 1));
	int expected = created + (int)rng_range(r, 30, 180);
	double want = 2000000.0 * scale * exp(0.5 * rng_normal(r));
	long qty = (long)(want / (double)g->products[product].price + 0.5);

	if (status < 0) {
		static const int done[] = { 15, 15, 35, 35 }, pending[] = { 50, 50, 0, 0 };
		status = rng_weighted(r, expected < g->today ? done : pending, 4);
	}
	w_int(w, ++*id);
	w_code(w, "PI", *id, 7);
	w_ref(w, cust);
	w_ref(w, lead);
	w_int(w, product + 1);
	w_int(w, qty < 1 ? 1 : qty > 9999 ? 9999 : qty);
	w_date(w, expected);
	w_str(w, intent_sources[rng_weighted(r, intent_source_weights, (int)ARRAY_SIZE(intent_source_weights))]);
	w_str(w, intent_status_names[status]);
	w_date(w, created);
	w_end(g);
}

static void gen_intents(struct gen *g)
{
	static const int cust_counts[] = { 65, 25, 10 }, lead_counts[] = { 40, 45, 15 };
	struct cust cu;
	struct lead ld;
	struct rng r;
	long id = 0;

	out_begin(g, "product intents",
		  "COPY crm.product_intent (id, code, customer_id, lead_id, product_id, quantity, expected_on, source,"
		  " status, created_on) FROM STDIN",
		  g->ncust * 45 / 100 + g->nleads * 75 / 100);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		int n;
		cust_plan(g, c, &cu);
		rng_init(&r, g->seed, TAG_INTENTS, (uint64_t)c, 0);
		n = cu.status == 1 ? (int)rng_range(&r, 1, 2) : rng_weighted(&r, cust_counts, 3);
		for (int k = 0; k < n; k++)
			w_intent(g, &r, &id, c + 1, 0, cu.created, g->today - 1, -1, cust_scale(&cu));
	}
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		int n, status;
		lead_plan(g, l, &ld);
		rng_init(&r, g->seed, TAG_LEAD_INTENTS, (uint64_t)l, 0);
		n = rng_weighted(&r, lead_counts, 3);
		status = ld.status == 2 ? 2 : ld.status == 3 ? 3 : -1;
		for (int k = 0; k < n; k++)
			w_intent(g, &r, &id, ld.customer + 1, l + 1, ld.created, mini(g->today - 1, ld.created + 60),
				 status, 1.0);
	}
	g->st.intents = out_end(g);
}

/* ------------------------------------------------------------ opportunities */

static void gen_opportunities(struct gen *g)
{
	struct out *w = &g->w;
	struct cust cu;
	struct opp op;
	struct rng r;
	uint32_t id = 0;

	g->opp_first = xcalloc((size_t)g->ncust + 1, sizeof(*g->opp_first));
	out_begin(g, "opportunities",
		  "COPY crm.opportunity (id, code, name, customer_id, contact_id, owner_id, mode_id, stage_seq, amount,"
		  " expected_close_on, status, fail_reason, winning_competitor_id, created_on, closed_on) FROM STDIN",
		  g->ncust / 2);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		long n;
		cust_plan(g, c, &cu);
		rng_init(&r, g->seed, TAG_OPP_COUNT, (uint64_t)c, 0);
		if (cu.status == 1)
			n = rng_poisson(&r, 0.8);
		else /* E[size^0.4] = exp(0.08 sigma^2) */
			n = rng_poisson(&r, 0.5 * pow(cu.size, 0.4) / exp(0.08 * SIZE_SIGMA * SIZE_SIGMA));
		n = n > 60 ? 60 : n;
		g->opp_first[c] = id;
		while (n-- > 0) {
			opp_plan(g, &cu, (long)++id, &op);
			w_int(w, id);
			w_code(w, "OP", id, 7);
			w_sep(w);
			a_company_short(w, &cu.co);
			a_str(w, product_categories[product_lines[op.line].category].name);
			a_str(w, opp_suffixes[op.suffix]);
			w_int(w, c + 1);
			w_ref(w, op.contact);
			w_int(w, op.owner + 1);
			w_int(w, op.mode + 1);
			w_int(w, op.stage);
			w_money(w, op.amount);
			w_date(w, op.expected);
			w_str(w, opp_status_names[op.status]);
			w_str_or_null(w, opp_reason(&op));
			w_ref(w, op.competitor + 1);
			w_date(w, op.created);
			if (op.status == OPP_OPEN)
				w_null(w);
			else
				w_date(w, op.closed);
			w_end(g);
		}
	}
	g->opp_first[g->ncust] = id;
	g->st.opportunities = out_end(g);
}

static void w_history(struct gen *g, long *id, const struct opp *op, int stage, const char *status, int day,
		      struct rng *r)
{
	struct out *w = &g->w;
	w_int(w, ++*id);
	w_int(w, op->id);
	w_int(w, stage);
	w_str(w, status);
	w_date(w, day);
	w_time(w, at_time(day, office_minute(r) + (int)rng_below(r, 30)));
	w_end(g);
}

/* 进程报告: each stage an opportunity entered, as the stage trigger would
 * have recorded it had a salesperson moved it day by day. */
static void gen_stage_history(struct gen *g)
{
	struct cust cu;
	struct opp op;
	struct rng r;
	long id = 0;

	out_begin(g, "stage history",
		  "COPY crm.opportunity_stage_history (id, opportunity_id, stage_seq, status, entered_on, at)"
		  " FROM STDIN",
		  g->st.opportunities * 3);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		if (g->opp_first[c] == g->opp_first[c + 1])
			continue;
		cust_plan(g, c, &cu);
		for (uint32_t o = g->opp_first[c]; o < g->opp_first[c + 1]; o++) {
			int open_rows;
			opp_plan(g, &cu, (long)o + 1, &op);
			rng_init(&r, g->seed, TAG_OPP_EXTRA, (uint64_t)op.id, 1);
			open_rows = op.status == OPP_WON ? op.nstages - 1 : op.stage;
			for (int i = 0; i < open_rows; i++)
				w_history(g, &id, &op, i + 1, "open", op.entered[i], &r);
			if (op.status != OPP_OPEN)
				w_history(g, &id, &op, op.stage, opp_status_names[op.status], op.closed, &r);
		}
	}
	g->st.stage_history = out_end(g);
}

/* Competitors met on an opportunity (always the winner of a lost one), and
 * the colleagues helping its owner. */
static void gen_opp_links(struct gen *g, int team)
{
	struct out *w = &g->w;
	struct cust cu;
	struct opp op;
	struct rng r;

	if (team)
		out_begin(g, "opportunity team",
			  "COPY crm.opportunity_team (opportunity_id, salesperson_id, role) FROM STDIN",
			  g->st.opportunities / 8);
	else
		out_begin(g, "opportunity competitors",
			  "COPY crm.opportunity_competitor (opportunity_id, competitor_id) FROM STDIN",
			  g->st.opportunities / 2);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		if (g->opp_first[c] == g->opp_first[c + 1])
			continue;
		cust_plan(g, c, &cu);
		for (uint32_t o = g->opp_first[c]; o < g->opp_first[c + 1]; o++) {
			opp_plan(g, &cu, (long)o + 1, &op);
			rng_init(&r, g->seed, TAG_OPP_EXTRA, (uint64_t)op.id, 2);
			if (team) {
				int mate;
				if (g->nsp < 2 || !rng_chance(&r, 0.12))
					continue;
				mate = (op.owner + 1 + (int)rng_below(&r, g->nsp - 1)) % g->nsp;
				w_int(w, op.id);
				w_int(w, mate + 1);
				w_str(w, PICK(&r, team_roles));
				w_end(g);
			} else {
				int first = op.competitor, n = 0;
				if (first >= 0)
					n = 1 + rng_chance(&r, 0.3);
				else if (rng_chance(&r, 0.3))
					n = (int)rng_range(&r, 1, 2);
				if (first < 0)
					first = (int)rng_below(&r, (long)ARRAY_SIZE(competitors));
				for (int k = 0; k < n; k++) {
					/* distinct: steps through the list from the first */
					w_int(w, op.id);
					w_int(w, (first + k * 3) % (int)ARRAY_SIZE(competitors) + 1);
					w_end(g);
				}
			}
		}
	}
	if (team)
		g->st.opportunity_team = out_end(g);
	else
		g->st.opportunity_competitors = out_end(g);
}

/* ------------------------------------------------ orders, invoices, receipts */

enum { ORDERS, ORDER_LINES, INVOICES, RECEIPTS };

/* One pass over every customer's orders, writing one of the four tables. */
static void gen_sales(struct gen *g, int table)
{
	static const char *const stages[] = { "orders", "order lines", "invoices", "receipts" };
	static const char *const sql[] = {
		"COPY crm.sales_order (id, code, customer_id, opportunity_id, owner_id, ordered_on) FROM STDIN",
		"COPY crm.order_line (id, order_id, product_id, quantity, price, cost) FROM STDIN",
		"COPY crm.invoice (id, code, order_id, customer_id, invoiced_on, amount) FROM STDIN",
		"COPY crm.receipt (id, code, customer_id, invoice_id, received_on, amount) FROM STDIN",
	};
	struct out *w = &g->w;
	struct cust cu;
	struct line lines[6];
	struct billing b;
	long order_id = 0, line_id = 0, invoice_id = 0, receipt_id = 0;
	long total = table == ORDERS ? g->ncust * 3 / 2 : g->st.orders * (table == ORDER_LINES ? 5 : 1) / 2;

	if (table == ORDERS)
		g->order_first = xcalloc((size_t)g->ncust + 1, sizeof(*g->order_first));
	out_begin(g, stages[table], sql[table], total);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		size_t n;
		if (table != ORDERS && g->order_first[c] == g->order_first[c + 1])
			continue;
		cust_plan(g, c, &cu);
		n = cust_orders(g, &cu);
		if (table == ORDERS)
			g->order_first[c] = (uint32_t)order_id;
		else
			order_id = g->order_first[c];
		for (size_t k = 0; k < n; k++) {
			const struct order *od = &g->orders[k];
			int nlines;
			order_id++;
			if (table == ORDERS) {
				w_int(w, order_id);
				w_code(w, "SO", order_id, 8);
				w_int(w, c + 1);
				w_ref(w, od->opp);
				w_int(w, od->owner + 1);
				w_date(w, od->day);
				w_end(g);
				continue;
			}
			nlines = order_lines(g, order_id, od->target, cu.category, lines);
			if (table == ORDER_LINES) {
				for (int i = 0; i < nlines; i++) {
					w_int(w, ++line_id);
					w_int(w, order_id);
					w_int(w, lines[i].product + 1);
					w_int(w, lines[i].qty);
					w_money(w, lines[i].price);
					w_money(w, lines[i].cost);
					w_end(g);
				}
				continue;
			}
			billing_plan(g, &cu, order_id, od->day, lines_total(lines, nlines), &b);
			if (!b.invoiced)
				continue;
			invoice_id++;
			if (table == INVOICES) {
				w_int(w, invoice_id);
				w_code(w, "IV", invoice_id, 8);
				w_int(w, order_id);
				w_int(w, c + 1);
				w_date(w, b.inv_day);
				w_money(w, b.inv_amount);
				w_end(g);
			} else if (b.paid) {
				w_int(w, ++receipt_id);
				w_code(w, "RC", receipt_id, 8);
				w_int(w, c + 1);
				w_int(w, invoice_id);
				w_date(w, b.rec_day);
				w_money(w, b.rec_amount);
				w_end(g);
			}
		}
	}
	if (table == ORDERS)
		g->order_first[g->ncust] = (uint32_t)order_id;
	switch (table) {
	case ORDERS: g->st.orders = out_end(g); break;
	case ORDER_LINES: g->st.order_lines = out_end(g); break;
	case INVOICES: g->st.invoices = out_end(g); break;
	default: g->st.receipts = out_end(g); break;
	}
}

/* ---------------------------------------------------------------- activities */

static const char *reviewer(struct gen *g, int owner)
{
	int head = g->sp[owner].dept;
	return head == owner ? "ceo" : g->sp[head].login;
}

static void w_activity(struct gen *g, long id, const struct act *a, long cust, const struct company *co)
{
	struct out *w = &g->w;
	const char *const *subj = subjects[a->type][a->subject];

	w_int(w, id);
	w_code(w, "AC", id, 8);
	w_str(w, activity_types[a->type]);
	w_sep(w);
	a_str(w, subj[0]);
	a_company_short(w, co);
	a_str(w, subj[1]);
	w_ref(w, cust);
	w_ref(w, a->contact);
	w_ref(w, a->opp);
	w_ref(w, a->lead);
	w_int(w, a->owner + 1);
	w_time(w, a->planned);
	w_time(w, a->remind);
	w_time(w, a->done);
	w_str(w, act_status_names[a->status]);
	if (a->result < 0)
		w_null(w);
	else
		w_str(w, a->result >= 100 ? cancel_results[a->result - 100] : activity_results[a->result]);
	if (a->review < 0) {
		w_null(w);
		w_null(w);
		w_null(w);
	} else {
		w_str(w, reviews[a->review]);
		w_str(w, reviewer(g, a->owner));
		w_time(w, a->reviewed);
	}
	w_end(g);
}

static void gen_activities(struct gen *g)
{
	struct cust cu;
	struct lead ld;
	struct rng r;
	struct act a;
	long id = 0;

	out_begin(g, "activities",
		  "COPY crm.activity (id, code, type, subject, customer_id, contact_id, opportunity_id, lead_id,"
		  " owner_id, planned_at, remind_at, done_at, status, result, review, reviewed_by, reviewed_at)"
		  " FROM STDIN",
		  g->ncust * 18 / 10);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		size_t n;
		cust_plan(g, c, &cu);
		n = cust_acts(g, &cu);
		for (size_t k = 0; k < n; k++)
			w_activity(g, ++id, &g->acts[k], c + 1, &cu.co);
	}
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		long k;
		lead_plan(g, l, &ld);
		if (ld.owner < 0)
			continue;
		rng_init(&r, g->seed, TAG_LEAD_ACTS, (uint64_t)l, 0);
		k = ld.status == 1 || ld.status == 2 ? rng_range(&r, 1, 3) : rng_range(&r, 0, 1);
		while (k-- > 0) {
			act_make(g, &r, ld.created, mini(ld.created + 120, g->today + 14), &a);
			a.contact = 0;
			a.opp = 0;
			a.lead = l + 1;
			a.owner = ld.owner;
			w_activity(g, ++id, &a, 0, &ld.co);
		}
	}
	g->st.activities = out_end(g);
}

/* ------------------------------------------------------------------ expenses */

enum { EX_TRAVEL, EX_ENTERTAIN, EX_GIFT, EX_TRANSPORT, EX_MEETING, EX_SAMPLE, EX_PHONE };

static void w_expense(struct gen *g, struct rng *r, long *id, int type, int day, long opp, long act, long cust,
		      int sp)
{
	struct out *w = &g->w;
	long long cents = rng_range(r, expense_lo[type] / 100, expense_hi[type] / 100) * 100;
	w_int(w, ++*id);
	w_code(w, "EX", *id, 8);
	w_str(w, expense_types[type]);
	w_money(w, cents);
	w_date(w, day);
	w_ref(w, opp);
	w_ref(w, act);
	w_ref(w, cust);
	w_int(w, sp + 1);
	w_end(g);
}

static void gen_expenses(struct gen *g)
{
	static const int visit_types[] = { EX_TRAVEL, EX_ENTERTAIN, EX_TRANSPORT, EX_GIFT };
	static const int visit_weights[] = { 40, 25, 25, 10 };
	static const int opp_types[] = { EX_ENTERTAIN, EX_GIFT, EX_MEETING, EX_SAMPLE };
	static const int opp_weights[] = { 40, 20, 15, 25 };
	struct cust cu;
	struct opp op;
	struct rng r;
	long id = 0, act_id = 0;

	out_begin(g, "expenses",
		  "COPY crm.expense (id, code, type, amount, spent_on, opportunity_id, activity_id, customer_id,"
		  " salesperson_id) FROM STDIN",
		  g->ncust / 2);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		size_t n;
		cust_plan(g, c, &cu);
		n = cust_acts(g, &cu);
		rng_init(&r, g->seed, TAG_EXPENSES, (uint64_t)c, 0);
		for (size_t k = 0; k < n; k++) {
			const struct act *a = &g->acts[k];
			act_id++;
			if (a->status != ACT_DONE || a->type == 1 || !rng_chance(&r, 0.35))
				continue; /* only visits, meetings and demonstrations cost money */
			w_expense(g, &r, &id, visit_types[rng_weighted(&r, visit_weights, 4)], time_day(a->done), 0,
				  act_id, 0, a->owner);
		}
		for (uint32_t o = g->opp_first[c]; o < g->opp_first[c + 1]; o++) {
			long k;
			int end;
			opp_plan(g, &cu, (long)o + 1, &op);
			if (!rng_chance(&r, 0.25))
				continue;
			end = op.status == OPP_OPEN ? g->today - 1 : op.closed;
			for (k = rng_range(&r, 1, 2); k > 0; k--)
				w_expense(g, &r, &id, opp_types[rng_weighted(&r, opp_weights, 4)],
					  op.created + (int)rng_below(&r, end - op.created + 1), op.id, 0, 0, op.owner);
		}
		if (cu.status != 1 && rng_chance(&r, 0.08)) { /* a holiday gift for the customer */
			int day = cu.start + (int)rng_below(&r, cu.end - cu.start + 1);
			w_expense(g, &r, &id, EX_GIFT, day, 0, 0, c + 1, cu.owner);
		}
	}
	/* every salesperson's monthly phone bill, the last twelve months */
	for (int s = 0; s < g->nsp && !g->rc; s++) {
		int y, m, d;
		rng_init(&r, g->seed, TAG_EXPENSES, (uint64_t)g->ncust + (uint64_t)s, 1);
		civil_from_days(g->today, &y, &m, &d);
		for (int k = 12; k >= 1; k--) {
			int mm = m - k, yy = y;
			while (mm < 1) {
				mm += 12;
				yy--;
			}
			w_expense(g, &r, &id, EX_PHONE, days_from_civil(yy, mm, 25), 0, 0, 0, s);
		}
	}
	g->st.expenses = out_end(g);
}

/* ---------------------------------------------------------------- complaints */

static void gen_complaints(struct gen *g, int log)
{
	struct out *w = &g->w;
	struct cust cu;
	struct complaint cp;
	struct rng r;
	long id = 0, log_id = 0;

	if (log)
		out_begin(g, "complaint log",
			  "COPY crm.complaint_log (id, complaint_id, status, assignee_id, by_login, at, note)"
			  " FROM STDIN",
			  g->st.complaints * 4);
	else
		out_begin(g, "complaints",
			  "COPY crm.complaint (id, code, customer_id, contact_id, product_id, reason, description,"
			  " received_at, status, assignee_id, assigned_at, resolved_at, verified_at) FROM STDIN",
			  g->ncust / 15);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		long norders = (long)(g->order_first[c + 1] - g->order_first[c]), k;
		if (!norders)
			continue;
		cust_plan(g, c, &cu);
		rng_init(&r, g->seed, TAG_COMPLAINTS, (uint64_t)c, 0);
		k = rng_poisson(&r, 0.03 + 0.02 * (double)norders);
		for (k = k > 20 ? 20 : k; k > 0; k--) {
			int64_t at[6] = { NO_TIME, NO_TIME, NO_TIME, NO_TIME, NO_TIME, NO_TIME };
			complaint_plan(g, &r, &cu, &cp);
			id++;
			for (int s = 0; s < cp.nsteps; s++)
				at[cp.steps[s]] = cp.at[s];
			if (log) {
				for (int s = 0; s < cp.nsteps; s++) {
					int st = cp.steps[s];
					w_int(w, ++log_id);
					w_int(w, id);
					w_str(w, complaint_status_names[st]);
					w_ref(w, st == CP_NEW ? 0 : cp.assignee + 1);
					if (st == CP_NEW)
						w_str(w, "custadmin");
					else if (st == CP_PROCESSING || st == CP_RESOLVED)
						w_str(w, g->sp[cp.assignee].login);
					else
						w_str(w, "service");
					w_time(w, cp.at[s]);
					w_str(w, complaint_notes[st]);
					w_end(g);
				}
				continue;
			}
			w_int(w, id);
			w_code(w, "CP", id, 7);
			w_int(w, c + 1);
			w_ref(w, cp.contact);
			w_ref(w, cp.product + 1);
			w_str(w, complaint_reasons[cp.reason]);
			w_str(w, complaint_texts[cp.reason][cp.text]);
			w_time(w, cp.at[0]);
			w_str(w, complaint_status_names[cp.steps[cp.nsteps - 1]]);
			w_ref(w, cp.nsteps > 1 ? cp.assignee + 1 : 0);
			w_time(w, at[CP_ASSIGNED]);
			w_time(w, at[CP_RESOLVED]);
			w_time(w, at[CP_VERIFIED]);
			w_end(g);
		}
	}
	if (log)
		g->st.complaint_log = out_end(g);
	else
		g->st.complaints = out_end(g);
}

/* ------------------------------------------------------------------ the run */

/* Every table the generator fills, in the order it fills them, with the
 * row count it wrote (NULL: tables without an id sequence). */
struct filled {
	const char *table;
	const long *rows;
	int has_id;
};

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int check_empty(struct gen *g, const struct filled *tables, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *sql = xstrfmt("SELECT count(*) FROM %s", tables[i].table);
		char *value = NULL;
		long rows;
		int rc = crm_db_value(&value, g->db, sql, 0, NULL, g->err);
		free(sql);
		if (rc)
			return rc;
		rows = value ? strtol(value, NULL, 10) : 0;
		free(value);
		if (!rows)
			continue;
		if (!strcmp(tables[i].table, "crm.customer"))
			err_set(g->err, ERR_INPUT, "the database already holds %ld customers", rows);
		else
			err_set(g->err, ERR_INPUT, "the database already holds %ld rows in table '%s'", rows,
				tables[i].table);
		err_hint(g->err, "run 'crmgate db reset --yes' first");
		return g->err->code;
	}
	return 0;
}

static int set_sequences(struct gen *g, const struct filled *tables, size_t n)
{
	struct buf sql = BUF_INIT;
	int rc = 0, any = 0;

	buf_adds(&sql, "SELECT ");
	for (size_t i = 0; i < n; i++) {
		if (!tables[i].has_id || *tables[i].rows <= 0)
			continue;
		buf_addf(&sql, "%ssetval(pg_get_serial_sequence('%s', 'id'), %ld)", any ? ", " : "", tables[i].table,
			 *tables[i].rows);
		any = 1;
	}
	if (any)
		rc = crm_db_query(NULL, g->db, sql.data, 0, NULL, g->err);
	buf_release(&sql);
	return rc;
}

/* Bulk loading: COPY into a table checks each foreign key per row, one
 * query each, and grows every index row by row, which costs three to four
 * times the load itself. So, inside the transaction, the foreign keys and
 * the plain (not primary, not unique) indexes of the tables the generator
 * fills are dropped, and made again from their catalog definitions at the
 * end: one sort per index, one join per key, which validates every row as
 * strictly as the triggers would. The primary and unique keys stay. Into
 * restore[0] goes the SQL that makes the indexes again, into restore[1]
 * the foreign keys. */
static int bulk_begin(struct gen *g, const struct filled *tables, size_t n, struct buf restore[2])
{
	static const char *const queries[] = {
		"SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %s', i.indexrelid::regclass)"
		" FROM pg_index i WHERE i.indrelid = ANY($1::regclass[])"
		" AND NOT i.indisprimary AND NOT i.indisunique AND NOT i.indisexclusion"
		" ORDER BY i.indexrelid",
		"SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,"
		" pg_get_constraintdef(c.oid)),"
		" format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname)"
		" FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[])"
		" ORDER BY c.oid",
	};
	struct buf list = BUF_INIT, drop = BUF_INIT;
	struct crm_res *res = NULL;
	const char *params[1];
	int rc = 0;

	buf_addch(&list, '{');
	for (size_t i = 0; i < n; i++)
		buf_addf(&list, "%s%s", i ? "," : "", tables[i].table);
	buf_addch(&list, '}');
	params[0] = list.data;
	for (size_t q = 0; q < ARRAY_SIZE(queries) && !rc; q++) {
		rc = crm_db_query(&res, g->db, queries[q], 1, params, g->err);
		for (int i = 0; !rc && i < crm_res_rows(res); i++) {
			buf_addf(&restore[q], "%s;\n", crm_res_get(res, i, 0));
			buf_addf(&drop, "%s;\n", crm_res_get(res, i, 1));
		}
		crm_res_free(res);
		res = NULL;
	}
	if (!rc && drop.len)
		rc = crm_db_exec(g->db, drop.data, g->err);
	buf_release(&list);
	buf_release(&drop);
	return rc;
}

static int bulk_step(struct gen *g, const char *stage, const char *sql)
{
	int rc;
	g->w.stage = stage;
	g->w.total = 1;
	report(g, 0, 0);
	rc = crm_db_exec(g->db, sql, g->err);
	if (!rc)
		report(g, 1, 1);
	return rc;
}

/* Make the indexes and foreign keys again, once the rows are in. (Analysing
 * the tables first makes the key checks faster, but costs more than it saves.) */
static int bulk_end(struct gen *g, const struct buf restore[2])
{
	int rc = crm_db_exec(g->db, "SET LOCAL maintenance_work_mem = '256MB'", g->err);
	if (!rc && restore[0].len)
		rc = bulk_step(g, "indexes", restore[0].data);
	if (!rc && restore[1].len)
		rc = bulk_step(g, "foreign keys", restore[1].data);
	return rc;
}

int crm_gen_run(struct crm_gen_stats *out, struct crm_db *db, const struct crm_gen_opts *opts, struct err *err)
{
	struct gen gen = { 0 }, *g = &gen;
	struct buf restore[2] = { BUF_INIT, BUF_INIT };
	int y, m, d, rc;
	const struct filled tables[] = {
		{ "crm.customer", &g->st.customers, 1 },
		{ "crm.department", &g->st.departments, 1 },
		{ "crm.salesperson", &g->st.salespeople, 1 },
		{ "crm.app_user", &g->st.users, 1 },
		{ "crm.customer_category", &(const long){ (long)ARRAY_SIZE(customer_categories) }, 1 },
		{ "crm.region", &(const long){ (long)(ARRAY_SIZE(regions) + ARRAY_SIZE(provinces)) }, 1 },
		{ "crm.product_category", &(const long){ (long)ARRAY_SIZE(product_categories) }, 1 },
		{ "crm.product", &g->st.products, 1 },
		{ "crm.sales_mode", &(const long){ (long)ARRAY_SIZE(modes) }, 1 },
		{ "crm.sales_stage", &(const long){ 11 }, 1 },
		{ "crm.competitor", &g->st.competitors, 1 },
		{ "crm.contact", &g->st.contacts, 1 },
		{ "crm.lead", &g->st.leads, 1 },
		{ "crm.lead_contact", &g->st.lead_contacts, 1 },
		{ "crm.product_intent", &g->st.intents, 1 },
		{ "crm.opportunity", &g->st.opportunities, 1 },
		{ "crm.opportunity_stage_history", &g->st.stage_history, 1 },
		{ "crm.opportunity_competitor", &g->st.opportunity_competitors, 0 },
		{ "crm.opportunity_team", &g->st.opportunity_team, 0 },
		{ "crm.sales_order", &g->st.orders, 1 },
		{ "crm.order_line", &g->st.order_lines, 1 },
		{ "crm.invoice", &g->st.invoices, 1 },
		{ "crm.receipt", &g->st.receipts, 1 },
		{ "crm.activity", &g->st.activities, 1 },
		{ "crm.expense", &g->st.expenses, 1 },
		{ "crm.complaint", &g->st.complaints, 1 },
		{ "crm.complaint_log", &g->st.complaint_log, 1 },
	};

	if (out)
		memset(out, 0, sizeof(*out));
	if (opts->customers < 1 || opts->customers > MAX_CUSTOMERS)
		return err_set(err, ERR_INPUT, "the number of customers must be from 1 to %ld, not %ld", MAX_CUSTOMERS,
			       opts->customers);
	if (parse_date(opts->today, &g->today) < 0)
		return err_set(err, ERR_INPUT, "'%s' is not a date (YYYY-MM-DD)", opts->today ? opts->today : "");

	g->db = db;
	g->err = err;
	g->seed = opts->seed;
	g->ncust = opts->customers;
	g->nleads = g->ncust / 5 > 0 ? g->ncust / 5 : 1;
	civil_from_days(g->today, &y, &m, &d);
	g->today_year = y;
	g->progress = opts->progress;
	g->progress_ctx = opts->progress_ctx;
	buf_init(&g->w.b);
	for (size_t i = 0; i < ARRAY_SIZE(cities); i++)
		g->city_total += cities[i].weight;
	/* a step coprime with the number of customers maps leads onto distinct customers */
	g->lead_step = (long)((double)g->ncust * 0.6180339887) + 1;
	while (gcd(g->lead_step, g->ncust) != 1)
		g->lead_step++;
	gen_setup(g);

	rc = crm_db_begin(db, err);
	if (!rc)
		rc = crm_db_work(db, CRM_DB_BULK, err);
	if (!rc)
		rc = check_empty(g, tables, ARRAY_SIZE(tables));
	/* the generator writes the stage history and complaint log itself, with
	 * the dates the steps happened, instead of the triggers' "now" */
	if (!rc)
		rc = bulk_begin(g, tables, ARRAY_SIZE(tables), restore);
	if (!rc)
		rc = crm_db_exec(db,
				 "ALTER TABLE crm.opportunity DISABLE TRIGGER opportunity_track_stage;"
				 "ALTER TABLE crm.complaint DISABLE TRIGGER complaint_track_status",
				 err);
	if (rc)
		goto done;

	gen_org(g);
	if (!g->rc)
		gen_customers(g);
	if (!g->rc)
		gen_contacts(g);
	if (!g->rc)
		gen_leads(g);
	if (!g->rc)
		gen_lead_contacts(g);
	if (!g->rc)
		gen_intents(g);
	if (!g->rc)
		gen_opportunities(g);
	if (!g->rc)
		gen_stage_history(g);
	if (!g->rc)
		gen_opp_links(g, 0);
	if (!g->rc)
		gen_opp_links(g, 1);
	for (int t = ORDERS; t <= RECEIPTS && !g->rc; t++)
		gen_sales(g, t);
	if (!g->rc)
		gen_activities(g);
	if (!g->rc)
		gen_expenses(g);
	if (!g->rc)
		gen_complaints(g, 0);
	if (!g->rc)
		gen_complaints(g, 1);
	rc = g->rc;
	if (!rc)
		rc = bulk_end(g, restore);
	if (!rc)
		rc = set_sequences(g, tables, ARRAY_SIZE(tables));
	if (!rc)
		rc = crm_db_exec(db,
				 "ALTER TABLE crm.opportunity ENABLE TRIGGER opportunity_track_stage;"
				 "ALTER TABLE crm.complaint ENABLE TRIGGER complaint_track_status",
				 err);
	if (!rc)
		rc = crm_db_commit(db, err);

done:
	if (rc)
		crm_db_rollback(db);
	else if (out)
		*out = g->st;
	buf_release(&g->w.b);
	buf_release(&restore[0]);
	buf_release(&restore[1]);
	free(g->sp);
	free(g->products);
	free(g->product_cum);
	free(g->contact_first);
	free(g->opp_first);
	free(g->order_first);
	free(g->orders);
	free(g->acts);
	return rc;
}
