package answer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file finds the closing block of a reply: the sign-off, name, title,
// organisation, address, phone, taglines, disclaimers and "Sent from…"
// lines below what the member wrote, in the seven languages.

var (
	// reDisclaimerHead opens a disclaimer paragraph by itself.
	reDisclaimerHead = regexp.MustCompile(`(?i)^\W{0,3}(disclaimer|legal disclaimer|confidentiality notice|confidentiality note|confidential notice|privileged (and|&) confidential|important notice|email disclaimer|免责声明|免責聲明|保密声明|保密聲明|ข้อสงวนสิทธิ์|ข้อจำกัดความรับผิดชอบ|คำเตือน|miễn trừ trách nhiệm|tuyên bố miễn trừ|thông báo bảo mật|ការបដិសេធ|សេចក្តីជូនដំណឹងអំពីការសម្ងាត់|ຂໍ້ສະຫງວນສິດ|သတိပေးချက်)\b`)
	// disclaimerStrong and disclaimerCues hold the phrases a disclaimer
	// carries, lower-case: a paragraph with a strong one and another, different
	// one is a disclaimer.
	disclaimerStrong = []string{"confidential", "privileged", "intended for", "intended solely for", "intended only for", "intended exclusively for", "intended recipient", "if you are not the", "ความลับ", "ข้อมูลลับ", "หากท่านไม่ใช่ผู้รับ", "bảo mật", "thông tin mật", "không phải là người nhận", "保密", "机密", "機密", "如果您不是", "若您不是", "សម្ងាត់", "ប្រសិនបើអ្នកមិនមែនជា", "ຄວາມລັບ", "ຖ້າທ່ານບໍ່ແມ່ນ", "လျှို့ဝှက်"}
	disclaimerCues   = []string{"confidential", "privileged", "intended for", "intended solely for", "intended only for", "intended exclusively for", "intended recipient", "addressee", "if you are not", "if you have received", "received this in error", "received it in error", "in error", "notify the sender", "notify us", "delete this e-mail", "delete this email", "delete this message", "delete the e-mail", "delete the email", "delete the message", "delete it", "destroy", "unauthorised", "unauthorized", "prohibited", "strictly forbidden", "without consent", "without the consent", "without prior consent", "without the prior consent", "without written consent", "without the prior written consent", "without prior written consent", "scanned for viruses", "virus", "liability", "ความลับ", "ข้อมูลลับ", "ผู้รับที่", "หากท่านไม่ใช่", "หากท่านได้รับ", "โดยผิดพลาด", "โดยไม่ได้ตั้งใจ", "ลบข้อความ", "ลบอีเมล", "ห้ามมิให้", "โดยไม่ได้รับอนุญาต", "ความยินยอม", "bảo mật", "thông tin mật", "người nhận", "không phải là người nhận", "nhận nhầm", "do nhầm lẫn", "xóa thư", "xóa email", "nghiêm cấm", "không được phép", "sự đồng ý", "保密", "机密", "機密", "如果您不是", "若您不是", "误收", "誤收", "错误地收到", "錯誤地收到", "立即删除", "立即刪除", "禁止", "未经", "未經", "收件人以外", "仅供", "僅供", "សម្ងាត់", "អ្នកទទួល", "ប្រសិនបើអ្នកមិនមែនជា", "ប្រសិនបើអ្នកបានទទួល", "ដោយច្រឡំ", "លុបចោល", "ហាមឃាត់", "ដោយគ្មានការអនុញ្ញាត", "ຄວາມລັບ", "ຜູ້ຮັບ", "ຖ້າທ່ານບໍ່ແມ່ນ", "ໂດຍຜິດພາດ", "ລຶບ", "ຫ້າມ", "ໂດຍບໍ່ໄດ້ຮັບອະນຸຍາດ", "လျှို့ဝှက်", "လက်ခံသူ", "မှားယွင်း", "ဖျက်ပစ်", "တားမြစ်", "ခွင့်ပြုချက်မရှိ"}
)

// head returns at most the first n bytes of s, cut on a rune boundary.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// disclaimerParagraphs marks the first line of every paragraph that is a
// disclaimer: one that opens with a disclaimer heading, or carries two
// different disclaimer phrases.
func disclaimerParagraphs(lines []string) map[int]bool {
	d := disclaimers{lines: lines}
	d.at(len(lines))
	return d.marks
}

// disclaimers is disclaimerParagraphs read lazily: the paragraphs are judged
// as a scan from the top reaches them, so that the lines below where a reply
// stops (the quoted form, mostly) are never searched for the phrases.
type disclaimers struct {
	lines []string
	next  int // every paragraph that starts above next has been judged
	marks map[int]bool
}

// at reports whether line i starts a disclaimer paragraph.
func (d *disclaimers) at(i int) bool {
	if d.marks == nil {
		d.marks = map[int]bool{}
	}
	for d.next <= i && d.next < len(d.lines) {
		d.next = d.judge(d.next)
	}
	return d.marks[i]
}

// judge reads the paragraph starting at line i, if one does, and returns
// where the next one may start.
func (d *disclaimers) judge(i int) int {
	lines := d.lines
	t := strings.TrimSpace(clean(head(lines[i], 200)))
	if t == "" || reQuoted.MatchString(lines[i]) {
		return i + 1
	}
	end := paragraphEnd(lines, i)
	if reDisclaimerHead.MatchString(t) {
		d.marks[i] = true
		return end
	}
	seen := map[string]bool{}
	strong, size := false, 0
	for j := i; j < end && size < 4000; j++ {
		l := strings.ToLower(clean(head(lines[j], 2000)))
		size += len(l)
		for _, c := range disclaimerStrong {
			if !strong && strings.Contains(l, c) {
				strong = true
			}
		}
		for _, c := range disclaimerCues {
			if len(seen) < 8 && strings.Contains(l, c) {
				seen[c] = true
			}
		}
	}
	if strong && len(seen) >= 2 {
		d.marks[i] = true
	}
	return end
}

var (
	// reSignoff is a sign-off line: the phrase, punctuation, and at most a
	// short name after it.
	reSignoff = regexp.MustCompile(`(?i)^(best|best regards|kind regards|warm regards|warmest regards|regards|with regards|best wishes|warm wishes|many thanks|thanks|thank you|thanks again|thank you very much|thanks and regards|thanks & regards|cheers|sincerely|yours sincerely|sincerely yours|yours faithfully|yours truly|yours|respectfully|with thanks|with best regards|in solidarity|solidarity|take care|bw|br|rgds|ขอแสดงความนับถือ|ด้วยความเคารพ|ด้วยความนับถือ|ขอบคุณ|ขอบคุณครับ|ขอบคุณค่ะ|ขอบคุณมาก|ขอบคุณมากครับ|ขอบคุณมากค่ะ|trân trọng|trân trọng cảm ơn|thân ái|thân mến|kính thư|cảm ơn|xin cảm ơn|cám ơn|chân thành cảm ơn|此致|此致敬礼|此致敬禮|敬礼|敬禮|谢谢|謝謝|多谢|多謝|祝好|顺祝商祺|順祝商祺|顺颂商祺|顺颂时祺|祝工作顺利|祝一切顺利|ដោយក្តីគោរព|ដោយក្ដីគោរព|សូមអរគុណ|អរគុណ|សូមគោរព|ជាមួយនឹងការគោរព|ດ້ວຍຄວາມນັບຖື|ຂອບໃຈ|ຂອບໃຈຫຼາຍ|ຂອບໃຈຫລາຍໆ|ດ້ວຍຄວາມເຄົາລົບ|လေးစားစွာဖြင့်|လေးစားစွာ|ကျေးဇူးတင်ပါသည်|ကျေးဇူးတင်ပါတယ်|ကျေးဇူးပါ)[\s,.!:;~–—-]*(\p{L}[\p{L}\p{M}.]*(\s+\p{L}[\p{L}\p{M}.]*){0,3})?[\s,.!]*$`)
	// reGreeting opens a reply: "Dear Secretariat," and the like.
	reGreeting = regexp.MustCompile(`(?i)^(dear|hi|hello|hey|good (morning|afternoon|evening|day)|greetings|to the|to:|attn|attention|เรียน|สวัสดี|kính gửi|kính thưa|chào|xin chào|thân gửi|gửi|尊敬的|亲爱的|親愛的|您好|你好|大家好|各位|致|ជម្រាបសួរ|សូមគោរព|ជូនចំពោះ|ສະບາຍດີ|ຮຽນ|ຮຽນເຖິງ|မင်္ဂလာပါ|ချစ်ခင်ရပါသော|လေးစားရပါသော)`)

	rePhone   = regexp.MustCompile(`(\b(tel|telephone|phone|mobile|mob|cell|fax|hp|hotline|whatsapp|line|viber|signal|skype|wechat|ph)\b\.?\s*[:.]?|โทร|มือถือ|แฟกซ์|đt|điện thoại|dđ|di động|电话|電話|手机|手機|传真|傳真|微信|ទូរស័ព្ទ|ទូរសព្ទ|ໂທ|ມືຖື|ဖုန်း|ဖက်စ်)`)
	reDigits  = regexp.MustCompile(`\d`)
	reEmail   = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}`)
	reURL     = regexp.MustCompile(`(https?://|www\.|\b[\p{L}\p{N}-]+\.(org|com|net|info|asia|ngo|th|kh|la|mm|vn|cn|hk|tw|io)(/\S*)?\b)`)
	reSocial  = regexp.MustCompile(`(^@\w{2,}$|facebook|twitter|instagram|linkedin|youtube|tiktok|line id|telegram|fb\.com|\bx\.com)`)
	reAddress = regexp.MustCompile(`(\b(no|number|nr)\.?\s*\d+|\b\d+[/\-]?\d*\s*,?\s*(moo|soi|road|rd|street|st|lane|ln|avenue|ave|alley|village)\b|\b(road|street|soi|moo|district|province|sub-district|p\.?\s?o\.?\s*box|postal code|zip|building|floor|tambon|amphoe|khet|sangkat|khan|phnom penh|bangkok|chiang mai|mae sot|yangon|mandalay|vientiane|hanoi|ha noi|ho chi minh|kunming|nanning|yunnan|guangxi|thailand|cambodia|myanmar|burma|lao pdr|laos|vietnam|viet nam|china)\b|ถนน|ซอย|ตำบล|อำเภอ|จังหวัด|เลขที่|หมู่ที่|แขวง|เขต|กรุงเทพ|đường|phường|quận|huyện|tỉnh|thành phố|số nhà|tầng|路\d*号|街|号楼|區|区\b|省|市|县|縣|ផ្លូវ|ភូមិ|ខណ្ឌ|សង្កាត់|រាជធានី|ខេត្ត|ຖະໜົນ|ຖະຫນົນ|ບ້ານ|ເມືອງ|ແຂວງ|ນະຄອນຫຼວງ|လမ်း|မြို့နယ်|ရပ်ကွက်|တိုင်းဒေသကြီး|အမှတ်)`)
	reOrg     = regexp.MustCompile(`(\b(foundation|network|association|organi[sz]ation|org|center|centre|coalition|alliance|union|federation|committee|council|society|institute|ngo|inc|ltd|co\.|company|programme|program|project|secretariat|mission|trust|initiative|collective|group|forum|agency|ministry|department|office|university|clinic|church|services)\b|มูลนิธิ|สมาคม|เครือข่าย|ศูนย์|องค์กร|สหภาพ|สำนักงาน|กลุ่ม|trung tâm|hiệp hội|mạng lưới|tổ chức|viện|quỹ|văn phòng|công ty|nhóm|基金会|基金會|协会|協會|中心|网络|網絡|机构|機構|组织|組織|联盟|聯盟|办公室|辦公室|公司|小组|小組|អង្គការ|សមាគម|មជ្ឈមណ្ឌល|បណ្តាញ|បណ្ដាញ|ក្រុម|ការិយាល័យ|ສະມາຄົມ|ມູນນິທິ|ສູນ|ອົງການ|ເຄືອຂ່າຍ|ຫ້ອງການ|ກຸ່ມ|အဖွဲ့|ဖောင်ဒေးရှင်း|ကွန်ရက်|အသင်း|စင်တာ|ရုံး)`)
	reTitle   = regexp.MustCompile(`(\b(director|executive|coordinator|co-ordinator|officer|manager|secretary|chair|chairperson|chairman|president|vice|founder|co-founder|head|lead|staff|assistant|advisor|adviser|consultant|researcher|lawyer|volunteer|representative|ceo|cfo|coo|md|phd|program officer|programme officer|case worker|social worker)\b|ผู้อำนวยการ|ผู้ประสานงาน|เจ้าหน้าที่|ประธาน|เลขาธิการ|ผู้จัดการ|นักวิจัย|ทนายความ|giám đốc|điều phối viên|cán bộ|chủ tịch|thư ký|trưởng|quản lý|chuyên viên|nhân viên|主任|经理|經理|协调员|協調員|秘书长|秘書長|主席|干事|幹事|总监|總監|项目官员|項目官員|负责人|負責人|នាយក|នាយិកា|អ្នកសម្របសម្រួល|មន្ត្រី|ប្រធាន|លេខាធិការ|បុគ្គលិក|ຜູ້ອຳນວຍການ|ຜູ້ປະສານງານ|ເຈົ້າໜ້າທີ່|ປະທານ|ເລຂາ|ညွှန်ကြားရေးမှူး|ညှိနှိုင်းရေးမှူး|ဥက္ကဋ္ဌ|အတွင်းရေးမှူး|တာဝန်ခံ|မန်နေဂျာ)`)
	reTagline = regexp.MustCompile(`^["“”«「『'‘].{2,}["“”»」』'’]$`)
)

// strongSignature reports whether t (a trimmed, cleaned line) carries a mark
// only signatures carry: a phone number, an e-mail address, a web address,
// a postal address, an organisation, a job title, a social handle, a quoted
// tagline, a "Sent from…" footer.
func strongSignature(raw, t string) bool {
	if t == "" {
		return false
	}
	if isSignatureStart(raw, t) {
		return true
	}
	n := utf8.RuneCountInString(t)
	if n > 120 {
		return false
	}
	low := strings.ToLower(t) // the patterns are lower-case: (?i) is slow
	digits := len(reDigits.FindAllStringIndex(t, 16))
	if digits >= 7 && (rePhone.MatchString(low) || phoneLike(t)) {
		return true
	}
	return reEmail.MatchString(t) || reURL.MatchString(low) || reSocial.MatchString(low) || reAddress.MatchString(low) ||
		reOrg.MatchString(low) || reTitle.MatchString(low) || reTagline.MatchString(t)
}

// phoneLike reports whether a line is mostly a phone number.
func phoneLike(t string) bool {
	other := 0
	for _, r := range t {
		if !(unicode.IsDigit(r) || strings.ContainsRune(" +-().–/", r)) {
			other++
		}
	}
	return other <= 3
}

// nameLike reports whether t is short enough to be a name, a title or a
// tagline line of a signature.
func nameLike(t string) bool {
	if t == "" || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "？") {
		return false
	}
	if utf8.RuneCountInString(t) > 60 {
		return false
	}
	return len(strings.Fields(t)) <= 8
}

// nameLine reports whether t looks like a person's name on its own line:
// one to four words, no digits, no punctuation but initials' dots, hyphens
// and apostrophes; Latin words capitalised; Chinese at most four characters.
func nameLine(t string) bool {
	t = strings.TrimRight(t, ", ")
	f := strings.Fields(t)
	if len(f) == 0 || len(f) > 4 || utf8.RuneCountInString(t) > 40 {
		return false
	}
	han := 0
	for _, r := range t {
		switch {
		case unicode.IsDigit(r):
			return false
		case unicode.IsPunct(r) && !strings.ContainsRune(".-'’", r):
			return false
		case unicode.Is(unicode.Han, r):
			han++
		}
	}
	if han > 4 {
		return false
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.Is(unicode.Latin, r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}
