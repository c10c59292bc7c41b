package forms

// The labels of the application forms at the end of the ToP, in English as
// printed there and in the other languages of the region (ToP 6.5 lets an
// associate write in any national language of the Mekong).
//
// MACHINE-DRAFTED: every non-English label, alias and keyword in this file
// (th, km, lo, my, vi, zh, zh-Hant) was drafted by machine and must be
// reviewed by a native speaker before the bot quotes it to members. The
// English labels are the ToP's own (with its spelling "organization").

// def is one field or checklist item of the forms.
type def struct {
	key   string
	multi bool // the value may run over several lines
	check bool // a checklist item: read into Form.Checked, never Form.Fields
	// label is what Label shows, per language; "zh" is simplified Chinese,
	// "zh-Hant" traditional. Every label is also read as an alias.
	label map[string]string
	// alias lists other spellings read as this field's label, per language.
	alias map[string][]string
	// kw lists, for checklist items, words that identify the item in a
	// ticked or unticked line ("[x] Constitution attached").
	kw map[string][]string
}

// office marks labels that belong to the Secretariat ("MMN Membership
// confirmed by", "Date of membership") or to signatures: they end the value
// above them and are never read as fields.
const office = "_office"

// defs lists every field and checklist item in form order: the order of the
// regular membership form, the associate forms' own fields slotted in where
// they appear, the optional contact details after, the documents and the
// commitment last.
var defs = []def{
	{key: "org_name", label: map[string]string{
		"en": "Name of organization", "th": "ชื่อองค์กร", "km": "ឈ្មោះអង្គការ", "lo": "ຊື່ອົງການ",
		"my": "အဖွဲ့အစည်းအမည်", "vi": "Tên tổ chức", "zh": "组织名称", "zh-Hant": "組織名稱",
	}, alias: map[string][]string{
		"en":      {"name of organisation", "name of the organization", "name of the organisation", "organization name", "organisation name", "organization", "organisation", "name of applicant organization", "name of applicant organisation"},
		"th":      {"ชื่อหน่วยงาน", "องค์กร"},
		"vi":      {"tên cơ quan"},
		"zh":      {"机构名称", "组织"},
		"zh-Hant": {"機構名稱", "組織"},
	}},
	{key: "org_description", multi: true, label: map[string]string{
		"en": "Brief description of organization", "th": "คำอธิบายองค์กรโดยย่อ", "km": "ការពិពណ៌នាសង្ខេបអំពីអង្គការ",
		"lo": "ລາຍລະອຽດໂດຍຫຍໍ້ຂອງອົງການ", "my": "အဖွဲ့အစည်း အကျဉ်းချုပ်ဖော်ပြချက်", "vi": "Mô tả ngắn về tổ chức",
		"zh": "组织简介", "zh-Hant": "組織簡介",
	}, alias: map[string][]string{
		"en": {"brief description of organisation", "brief description of the organization", "brief description of the organisation", "brief description", "description of organization", "description of organisation", "description"},
		"th": {"ข้อมูลองค์กรโดยย่อ"},
		"vi": {"giới thiệu tổ chức", "mô tả tổ chức"},
	}},
	{key: "name", label: map[string]string{
		"en": "Name", "th": "ชื่อ-นามสกุล", "km": "ឈ្មោះ", "lo": "ຊື່ ແລະ ນາມສະກຸນ", "my": "အမည်",
		"vi": "Họ và tên", "zh": "姓名", "zh-Hant": "姓名",
	}, alias: map[string][]string{
		"en": {"full name", "name of applicant", "applicant's name", "applicant name", "your name"},
		"th": {"ชื่อ นามสกุล", "ชื่อ"},
		"km": {"ឈ្មោះពេញ", "នាមត្រកូល និងនាមខ្លួន"},
		"lo": {"ຊື່"},
		"vi": {"họ tên", "tên"},
	}},
	{key: "chair", label: map[string]string{
		"en": "Chairperson or chief officer", "th": "ประธานหรือผู้บริหารสูงสุด", "km": "ប្រធាន ឬនាយកប្រតិបត្តិ",
		"lo": "ປະທານ ຫຼື ຫົວໜ້າອົງການ", "my": "ဥက္ကဋ္ဌ သို့မဟုတ် အကြီးအကဲ", "vi": "Chủ tịch hoặc người đứng đầu",
		"zh": "主席或负责人", "zh-Hant": "主席或負責人",
	}, alias: map[string][]string{
		"en":      {"chairperson/chief officer", "chairperson / chief officer", "chairperson", "chairman", "chair", "chief officer", "director", "executive director", "head of organization", "head of organisation"},
		"th":      {"ประธาน", "ผู้อำนวยการ"},
		"km":      {"ប្រធាន", "នាយកប្រតិបត្តិ"},
		"lo":      {"ປະທານ"},
		"my":      {"ဥက္ကဋ္ဌ"},
		"vi":      {"chủ tịch", "người đứng đầu", "giám đốc"},
		"zh":      {"主席", "负责人"},
		"zh-Hant": {"負責人"},
	}},
	{key: "contact_name", label: map[string]string{
		"en": "Designated contact person for MMN", "th": "ผู้ประสานงานที่ได้รับมอบหมายสำหรับ MMN",
		"km": "អ្នកទំនាក់ទំនងដែលបានចាត់តាំងសម្រាប់ MMN", "lo": "ຜູ້ປະສານງານທີ່ໄດ້ຮັບມອບໝາຍສຳລັບ MMN",
		"my": "MMN အတွက် တာဝန်ပေးအပ်ထားသော ဆက်သွယ်ရန်ပုဂ္ဂိုလ်", "vi": "Người liên lạc được chỉ định với MMN",
		"zh": "MMN指定联系人", "zh-Hant": "MMN指定聯絡人",
	}, alias: map[string][]string{
		"en":      {"contact person for mmn", "designated contact person", "designated contact", "contact person", "contact name", "name of contact person", "person in charge"},
		"th":      {"ผู้ประสานงาน", "ผู้ติดต่อ", "ผู้ประสานงานสำหรับ mmn"},
		"km":      {"អ្នកទំនាក់ទំនង"},
		"lo":      {"ຜູ້ປະສານງານ"},
		"my":      {"ဆက်သွယ်ရန်ပုဂ္ဂိုလ်"},
		"vi":      {"người liên lạc", "người liên hệ"},
		"zh":      {"指定联系人", "联系人"},
		"zh-Hant": {"指定聯絡人", "聯絡人", "聯繫人"},
	}},
	{key: "contact_email", label: map[string]string{
		"en": "Email (contact person)", "th": "อีเมล (ผู้ประสานงาน)", "km": "អ៊ីមែល (អ្នកទំនាក់ទំនង)",
		"lo": "ອີເມວ (ຜູ້ປະສານງານ)", "my": "အီးမေးလ် (ဆက်သွယ်ရန်ပုဂ္ဂိုလ်)", "vi": "Email (người liên lạc)",
		"zh": "电子邮件（联系人）", "zh-Hant": "電子郵件（聯絡人）",
	}, alias: map[string][]string{
		"en":      {"e-mail (contact person)", "email of contact person", "email of the contact person", "contact email", "contact e-mail", "contact person email", "contact person's email", "contact person e-mail"},
		"th":      {"อีเมลผู้ประสานงาน"},
		"vi":      {"email người liên lạc", "email (người liên hệ)"},
		"zh":      {"联系人电子邮件", "电子邮件(联系人)"},
		"zh-Hant": {"聯絡人電子郵件", "電子郵件(聯絡人)"},
	}},
	{key: "alternate_name", label: map[string]string{
		"en": "Alternate contact person", "th": "ผู้ประสานงานสำรอง", "km": "អ្នកទំនាក់ទំនងបម្រុង",
		"lo": "ຜູ້ປະສານງານສຳຮອງ", "my": "အရန် ဆက်သွယ်ရန်ပုဂ္ဂိုလ်", "vi": "Người liên lạc dự phòng",
		"zh": "候补联系人", "zh-Hant": "候補聯絡人",
	}, alias: map[string][]string{
		"en":      {"alternate contact", "alternative contact person", "alternative contact", "alternate", "second contact person", "deputy contact person"},
		"th":      {"ผู้ติดต่อสำรอง"},
		"vi":      {"người liên lạc thay thế", "người liên hệ dự phòng", "người liên hệ thay thế"},
		"zh":      {"备用联系人"},
		"zh-Hant": {"備用聯絡人"},
	}},
	{key: "alternate_email", label: map[string]string{
		"en": "Email (alternate contact person)", "th": "อีเมล (ผู้ประสานงานสำรอง)", "km": "អ៊ីមែល (អ្នកទំនាក់ទំនងបម្រុង)",
		"lo": "ອີເມວ (ຜູ້ປະສານງານສຳຮອງ)", "my": "အီးမေးလ် (အရန် ဆက်သွယ်ရန်ပုဂ္ဂိုလ်)", "vi": "Email (người liên lạc dự phòng)",
		"zh": "电子邮件（候补联系人）", "zh-Hant": "電子郵件（候補聯絡人）",
	}, alias: map[string][]string{
		"en":      {"e-mail (alternate contact person)", "email (alternate)", "e-mail (alternate)", "email of alternate contact person", "alternate email", "alternate e-mail", "alternate contact email", "alternate contact e-mail"},
		"th":      {"อีเมลผู้ประสานงานสำรอง"},
		"vi":      {"email người liên lạc dự phòng"},
		"zh":      {"候补联系人电子邮件", "电子邮件(候补联系人)"},
		"zh-Hant": {"候補聯絡人電子郵件", "電子郵件(候補聯絡人)"},
	}},
	// email is a bare "Email:" label: it belongs to the person named just
	// above it (see Parse), else to the applicant.
	{key: "email", label: map[string]string{
		"en": "Email", "th": "อีเมล", "km": "អ៊ីមែល", "lo": "ອີເມວ", "my": "အီးမေးလ်",
		"vi": "Email", "zh": "电子邮件", "zh-Hant": "電子郵件",
	}, alias: map[string][]string{
		"en":      {"e-mail", "email address", "e-mail address", "mail"},
		"th":      {"อีเมล์", "e-mail"},
		"km":      {"អ៊ីម៉ែល"},
		"lo":      {"ອີເມລ"},
		"vi":      {"thư điện tử", "địa chỉ email"},
		"zh":      {"邮箱", "电邮"},
		"zh-Hant": {"電郵", "郵箱"},
	}},
	{key: "country", label: map[string]string{
		"en": "Country", "th": "ประเทศ", "km": "ប្រទេស", "lo": "ປະເທດ", "my": "နိုင်ငံ",
		"vi": "Quốc gia", "zh": "国家", "zh-Hant": "國家",
	}, alias: map[string][]string{
		"en": {"country of base", "country of operation", "based in"},
		"vi": {"nước"},
		"zh": {"国家/地区"},
	}},
	{key: "address", multi: true, label: map[string]string{
		"en": "Address", "th": "ที่อยู่", "km": "អាសយដ្ឋាន", "lo": "ທີ່ຢູ່", "my": "လိပ်စာ",
		"vi": "Địa chỉ", "zh": "地址", "zh-Hant": "地址",
	}, alias: map[string][]string{
		"en": {"postal address", "mailing address", "office address"},
	}},
	{key: "phone", label: map[string]string{
		"en": "Telephone", "th": "โทรศัพท์", "km": "ទូរស័ព្ទ", "lo": "ເບີໂທລະສັບ", "my": "ဖုန်းနံပါတ်",
		"vi": "Điện thoại", "zh": "电话", "zh-Hant": "電話",
	}, alias: map[string][]string{
		"en": {"tel.", "tel", "phone", "phone number", "telephone number", "mobile", "tel/fax"},
		"th": {"โทร", "เบอร์โทร"},
		"lo": {"ໂທລະສັບ"},
		"my": {"ဖုန်း"},
		"vi": {"số điện thoại"},
	}},
	{key: "fax", label: map[string]string{
		"en": "Fax", "th": "โทรสาร", "km": "ទូរសារ", "lo": "ແຟັກ", "my": "ဖက်စ်",
		"vi": "Fax", "zh": "传真", "zh-Hant": "傳真",
	}, alias: map[string][]string{"th": {"แฟกซ์"}}},
	{key: "website", label: map[string]string{
		"en": "Website", "th": "เว็บไซต์", "km": "គេហទំព័រ", "lo": "ເວັບໄຊ", "my": "ဝက်ဘ်ဆိုက်",
		"vi": "Trang web", "zh": "网站", "zh-Hant": "網站",
	}, alias: map[string][]string{
		"en": {"web site", "web", "url", "homepage", "home page"},
		"vi": {"website"},
	}},
	{key: "founded", label: map[string]string{
		"en": "Year founded", "th": "ปีที่ก่อตั้ง", "km": "ឆ្នាំបង្កើត", "lo": "ປີສ້າງຕັ້ງ", "my": "တည်ထောင်သည့်နှစ်",
		"vi": "Năm thành lập", "zh": "成立年份", "zh-Hant": "成立年份",
	}, alias: map[string][]string{
		"en": {"year established", "year of establishment", "date of establishment", "date established", "founded", "established"},
	}},
	{key: "annual_income_usd", label: map[string]string{
		"en": "Annual income (USD)", "th": "รายได้ต่อปี (ดอลลาร์สหรัฐ)", "km": "ចំណូលប្រចាំឆ្នាំ (ដុល្លារអាមេរិក)",
		"lo": "ລາຍຮັບປະຈຳປີ (ໂດລາສະຫະລັດ)", "my": "နှစ်စဉ်ဝင်ငွေ (အမေရိကန်ဒေါ်လာ)", "vi": "Thu nhập hằng năm (USD)",
		"zh": "年收入（美元）", "zh-Hant": "年收入（美元）",
	}, alias: map[string][]string{
		"en": {"annual income", "annual budget", "yearly income"},
		"vi": {"thu nhập hàng năm"},
	}},
	{key: "activities", multi: true, label: map[string]string{
		"en": "Main activities", "th": "กิจกรรมหลัก", "km": "សកម្មភាពចម្បង", "lo": "ກິດຈະກຳຫຼັກ",
		"my": "အဓိက လုပ်ဆောင်ချက်များ", "vi": "Hoạt động chính", "zh": "主要活动", "zh-Hant": "主要活動",
	}, alias: map[string][]string{
		"en": {"activities", "areas of work", "main areas of work", "programmes", "programs"},
	}},
	{key: "expertise", multi: true, label: map[string]string{
		"en": "Areas of expertise/interests", "th": "ความเชี่ยวชาญ/ความสนใจ", "km": "ជំនាញ/ចំណាប់អារម្មណ៍",
		"lo": "ຂົງເຂດຄວາມຊ່ຽວຊານ/ຄວາມສົນໃຈ", "my": "ကျွမ်းကျင်မှု/စိတ်ဝင်စားသည့် နယ်ပယ်များ",
		"vi": "Lĩnh vực chuyên môn/quan tâm", "zh": "专长/关注领域", "zh-Hant": "專長/關注領域",
	}, alias: map[string][]string{
		"en": {"areas of expertises/interests", "areas of expertise / interests", "areas of expertise", "areas of interest", "expertise/interests", "expertise", "interests"},
		"th": {"ความเชี่ยวชาญ", "ด้านที่เชี่ยวชาญ/สนใจ"},
		"km": {"ជំនាញ"},
		"lo": {"ຄວາມຊ່ຽວຊານ"},
		"vi": {"lĩnh vực chuyên môn", "chuyên môn"},
		"zh": {"专长"},
	}},
	{key: "networks", multi: true, label: map[string]string{
		"en": "Membership of other networks (if any)", "th": "การเป็นสมาชิกเครือข่ายอื่น (ถ้ามี)",
		"km": "សមាជិកភាពក្នុងបណ្ដាញផ្សេងទៀត (ប្រសិនបើមាន)", "lo": "ການເປັນສະມາຊິກເຄືອຂ່າຍອື່ນ (ຖ້າມີ)",
		"my": "အခြားကွန်ရက်များတွင် အဖွဲ့ဝင်ဖြစ်မှု (ရှိလျှင်)", "vi": "Thành viên của các mạng lưới khác (nếu có)",
		"zh": "其他网络的成员资格（如有）", "zh-Hant": "其他網絡的成員資格（如有）",
	}, alias: map[string][]string{
		"en":      {"membership of other networks", "member of other networks", "other networks"},
		"th":      {"การเป็นสมาชิกเครือข่ายอื่น", "สมาชิกเครือข่ายอื่น"},
		"vi":      {"thành viên của các mạng lưới khác", "mạng lưới khác"},
		"zh":      {"其他网络成员"},
		"zh-Hant": {"其他網絡成員"},
	}},
	{key: "endorser", label: map[string]string{
		"en": "Endorsing MMN member", "th": "สมาชิก MMN ผู้ให้การรับรอง", "km": "សមាជិក MMN ដែលផ្តល់ការគាំទ្រ",
		"lo": "ສະມາຊິກ MMN ຜູ້ຮັບຮອງ", "my": "ထောက်ခံသည့် MMN အဖွဲ့ဝင်", "vi": "Thành viên MMN giới thiệu",
		"zh": "推荐的MMN会员", "zh-Hant": "推薦的MMN會員",
	}, alias: map[string][]string{
		"en": {"endorsed by", "endorsement by", "endorser", "endorsing member", "name of endorsing member", "endorsing organisation", "endorsing organization"},
		"th": {"ผู้รับรอง"},
		"vi": {"được giới thiệu bởi", "người giới thiệu"},
		"zh": {"推荐人"},
	}},

	// The supplementary documents of the regular form (6.1, 6.3) and the
	// commitment every form opens with (6.2).
	{key: "doc_constitution", check: true, label: map[string]string{
		"en": "Constitution or organisation vision, mission & objectives papers of the organization",
		"th": "ธรรมนูญหรือเอกสารวิสัยทัศน์ พันธกิจ และวัตถุประสงค์ขององค์กร",
		"km": "លក្ខន្តិកៈ ឬឯកសារចក្ខុវិស័យ បេសកកម្ម និងគោលបំណងរបស់អង្គការ",
		"lo": "ທຳມະນູນ ຫຼື ເອກະສານວິໄສທັດ, ພາລະກິດ ແລະ ຈຸດປະສົງຂອງອົງການ",
		"my": "ဖွဲ့စည်းပုံ သို့မဟုတ် မျှော်မှန်းချက်၊ ရည်မှန်းချက်နှင့် ရည်ရွယ်ချက်စာတမ်းများ",
		"vi": "Điều lệ hoặc tài liệu về tầm nhìn, sứ mệnh và mục tiêu của tổ chức",
		"zh": "章程或组织愿景、使命及目标文件", "zh-Hant": "章程或組織願景、使命及目標文件",
	}, alias: map[string][]string{
		"en": {"constitution", "constitution attached", "vision, mission & objectives", "vision and mission"},
	}, kw: map[string][]string{
		"en": {"constitution", "vision", "mission", "objectives", "statute", "by-laws", "bylaws"},
		"th": {"ธรรมนูญ", "ข้อบังคับ", "วิสัยทัศน์", "พันธกิจ"},
		"km": {"លក្ខន្តិកៈ", "ចក្ខុវិស័យ", "បេសកកម្ម"},
		"lo": {"ທຳມະນູນ", "ກົດລະບຽບ", "ວິໄສທັດ", "ພາລະກິດ"},
		"my": {"ဖွဲ့စည်းပုံ", "မျှော်မှန်းချက်", "ရည်မှန်းချက်"},
		"vi": {"điều lệ", "tầm nhìn", "sứ mệnh"},
		"zh": {"章程", "愿景", "願景", "使命"},
	}},
	{key: "doc_annual_report", check: true, label: map[string]string{
		"en": "Most recent annual report", "th": "รายงานประจำปีฉบับล่าสุด", "km": "របាយការណ៍ប្រចាំឆ្នាំចុងក្រោយបំផុត",
		"lo": "ບົດລາຍງານປະຈຳປີຫຼ້າສຸດ", "my": "နောက်ဆုံး နှစ်ပတ်လည် အစီရင်ခံစာ", "vi": "Báo cáo thường niên gần nhất",
		"zh": "最近一期年度报告", "zh-Hant": "最近一期年度報告",
	}, alias: map[string][]string{
		"en": {"annual report", "annual report attached"},
	}, kw: map[string][]string{
		"en": {"annual report"},
		"th": {"รายงานประจำปี"},
		"km": {"របាយការណ៍ប្រចាំឆ្នាំ"},
		"lo": {"ລາຍງານປະຈຳປີ"},
		"my": {"နှစ်ပတ်လည် အစီရင်ခံစာ", "နှစ်ပတ်လည်အစီရင်ခံစာ"},
		"vi": {"báo cáo thường niên", "báo cáo năm", "báo cáo hằng năm", "báo cáo hàng năm"},
		"zh": {"年度报告", "年度報告", "年报", "年報"},
	}},
	{key: "doc_endorsement", check: true, label: map[string]string{
		"en": "Endorsement letter from an existing MMN member", "th": "หนังสือรับรองจากสมาชิก MMN ปัจจุบัน",
		"km": "លិខិតគាំទ្រពីសមាជិក MMN បច្ចុប្បន្ន", "lo": "ໜັງສືຮັບຮອງຈາກສະມາຊິກ MMN ປັດຈຸບັນ",
		"my": "လက်ရှိ MMN အဖွဲ့ဝင်ထံမှ ထောက်ခံစာ", "vi": "Thư giới thiệu của một thành viên MMN hiện tại",
		"zh": "现有MMN会员的推荐信", "zh-Hant": "現有MMN會員的推薦信",
	}, alias: map[string][]string{
		"en": {"endorsement letter", "letter of endorsement", "endorsement letter attached"},
	}, kw: map[string][]string{
		"en": {"endorsement", "recommendation letter", "letter of recommendation", "letter of support"},
		"th": {"หนังสือรับรอง", "จดหมายรับรอง"},
		"km": {"លិខិតគាំទ្រ"},
		"lo": {"ໜັງສືຮັບຮອງ"},
		"my": {"ထောက်ခံစာ"},
		"vi": {"thư giới thiệu", "thư xác nhận", "thư ủng hộ"},
		"zh": {"推荐信", "推薦信", "支持信"},
	}},
	{key: "agree_top", check: true, label: map[string]string{
		"en": "We agree to the Terms of Partnership of MMN",
		"th": "ข้าพเจ้ายอมรับข้อตกลงความร่วมมือ (ToP) ของ MMN",
		"km": "យើងយល់ព្រមលើលក្ខខណ្ឌភាពជាដៃគូរបស់ MMN",
		"lo": "ພວກເຮົາເຫັນດີກັບເງື່ອນໄຂການເປັນຄູ່ຮ່ວມງານຂອງ MMN",
		"my": "MMN ၏ မိတ်ဖက်ဆောင်ရွက်မှု စည်းကမ်းချက်များကို သဘောတူပါသည်",
		"vi": "Chúng tôi đồng ý với Điều khoản Đối tác (ToP) của MMN",
		"zh": "我们同意MMN的合作伙伴条款", "zh-Hant": "我們同意MMN的合作夥伴條款",
	}, kw: map[string][]string{
		"en": {"agree", "agreed", "accept"},
		"th": {"ยอมรับ", "เห็นด้วย", "ตกลง"},
		"km": {"យល់ព្រម"},
		"lo": {"ເຫັນດີ", "ຍອມຮັບ"},
		"my": {"သဘောတူ"},
		"vi": {"đồng ý", "chấp thuận", "chấp nhận"},
		"zh": {"同意", "接受"},
	}},

	// Lines the Secretariat fills in, and signatures: read so that they end
	// the value above them, never kept.
	{key: office, alias: map[string][]string{
		"en": {"mmn membership confirmed by", "membership confirmed by", "date of membership", "signature", "signed", "date"},
		"th": {"ลายมือชื่อ", "ลงชื่อ", "วันที่"},
		"vi": {"chữ ký", "ngày"},
		"zh": {"签名", "簽名", "日期"},
	}},
}

// topWords name the Terms of Partnership: with an agree keyword and no
// negation, a line of the form's own commitment text counts as agreement.
var topWords = []string{
	"terms of partnership", "top", "basic framework principles",
	"ข้อตกลงความร่วมมือ", "เงื่อนไขความร่วมมือ",
	"លក្ខខណ្ឌភាពជាដៃគូ",
	"ເງື່ອນໄຂການເປັນຄູ່ຮ່ວມ",
	"မိတ်ဖက်ဆောင်ရွက်မှု",
	"điều khoản đối tác", "điều khoản hợp tác",
	"合作伙伴条款", "合作夥伴條款", "伙伴关系条款", "夥伴關係條款", "合作条款", "合作條款",
}

// negations turn a line of agreement into its opposite.
var negations = []string{
	"do not agree", "don't agree", "don’t agree", "not agree", "disagree", "cannot agree", "can't agree",
	"ไม่ยอมรับ", "ไม่เห็นด้วย", "ไม่ตกลง",
	"មិនយល់ព្រម",
	"ບໍ່ເຫັນດີ", "ບໍ່ຍອມຮັບ",
	"သဘောမတူ",
	"không đồng ý", "không chấp",
	"不同意", "不接受",
}

// Title words: what a form's title or opening sentence says it is.
var (
	associateWords = map[string][]string{
		"en": {"associate", "associates", "associateship"},
		"th": {"ภาคี", "สมาชิกสมทบ"},
		"km": {"សមាជិករង", "សហការី"},
		"lo": {"ສະມາຊິກສົມທົບ", "ພາຄີ"},
		"my": {"တွဲဖက်"},
		"vi": {"thành viên liên kết", "cộng tác viên", "đối tác liên kết"},
		"zh": {"准会员", "準會員", "准成员", "準成員", "联系会员", "聯繫會員", "附属会员", "附屬會員"},
	}
	individualWords = map[string][]string{
		"en": {"individual", "individuals"},
		"th": {"บุคคล"},
		"km": {"បុគ្គល"},
		"lo": {"ບຸກຄົນ"},
		"my": {"တစ်ဦးချင်း"},
		"vi": {"cá nhân"},
		"zh": {"个人", "個人"},
	}
	organisationWords = map[string][]string{
		"en": {"organisation", "organization", "organisations", "organizations"},
		"th": {"องค์กร"},
		"km": {"អង្គការ"},
		"lo": {"ອົງການ"},
		"my": {"အဖွဲ့အစည်း"},
		"vi": {"tổ chức"},
		"zh": {"组织", "組織", "机构", "機構"},
	}
	regularWords = map[string][]string{
		"en": {"regular member", "regular membership", "application for membership", "membership application", "become a member of"},
		"th": {"สมาชิกสามัญ"},
		"km": {"សមាជិកពេញសិទ្ធិ"},
		"lo": {"ສະມາຊິກສາມັນ"},
		"my": {"ပုံမှန်အဖွဲ့ဝင်"},
		"vi": {"thành viên chính thức"},
		"zh": {"正式会员", "正式會員", "正式成员", "正式成員"},
	}
)

// yesWords, as the value of a checklist label ("Annual report: attached"),
// tick the item.
var yesWords = []string{
	"yes", "y", "x", "attached", "enclosed", "included", "ok", "done", "true", "✓", "✔", "☑", "☒",
	"ใช่", "มี", "แนบ", "បាទ", "ចាស", "មាន", "ແມ່ນ", "ມີ", "ဟုတ်", "ပါ",
	"có", "đính kèm", "đã gửi", "是", "有", "已附",
}
