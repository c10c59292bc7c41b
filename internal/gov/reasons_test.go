package gov

import "testing"

// TestR_6_4_ObjectionReasonsInEveryScript: reasons are counted in words in every
// language of the network, including those written without spaces between words,
// so that a specific objection in Khmer or Chinese counts like one in English and
// a bare keyword in any of them does not.
func TestR_6_4_ObjectionReasonsInEveryScript(t *testing.T) {
	min := DefaultRules().ObjectionMinWords + 1 // the keyword and the reasons
	for _, tt := range []struct {
		lang, text string
		counts     bool
	}{
		{"en", "OBJECT", false},
		{"en", "I object strongly", false},
		{"en", "OBJECT: the applicant recruits for brokers", true},
		{"th", "คัดค้าน", false},
		{"th", "คัดค้าน ไม่ดี", false},
		{"th", "คัดค้าน เพราะองค์กรนี้ไม่ได้ทำงานกับแรงงานข้ามชาติ", true},
		{"km", "ជំទាស់", false},
		{"km", "ជំទាស់ អង្គការនេះមិនមានកម្មវិធីសម្រាប់ពលករចំណាកស្រុកទេ", true},
		{"lo", "ຄັດຄ້ານ", false},
		{"lo", "ຄັດຄ້ານ ອົງການນີ້ບໍ່ໄດ້ເຮັດວຽກກັບແຮງງານເຄື່ອນຍ້າຍ", true},
		{"my", "ကန့်ကွက်", false},
		{"my", "ကန့်ကွက် ဤအဖွဲ့သည် ရွှေ့ပြောင်းလုပ်သားများအတွက် လုပ်ငန်းမရှိပါ", true},
		{"vi", "PHẢN ĐỐI", false},
		{"vi", "PHẢN ĐỐI vì tổ chức này là môi giới lao động", true},
		{"zh", "反对", false},
		{"zh", "反对！", false},
		{"zh", "反对，该组织与劳务中介有关联", true},
	} {
		got := ReasonWords(tt.text)
		if (got >= min) != tt.counts {
			t.Errorf("%s %q: %d words; counts as reasons %v, want %v", tt.lang, tt.text, got, got >= min, tt.counts)
		}
	}
}
