// Package answer finds the part of a reply its author wrote (ReplyText) and
// what it answers (Parse): a vote, an opinion on an applicant, a
// reconfirmation or an attendance, in English, Thai, Khmer, Lao, Burmese
// (Unicode and Zawgyi), Vietnamese and Chinese. It is pure: no I/O.
//
// # The reply part
//
// ReplyText cuts the reply at the bot's marker line, or else drops quoted
// lines, attribution lines ("On … wrote:" in every client's and language's
// form: wrapped over lines, split by a blank line, without "wrote", ending in
// "-" as Burmese does), Outlook header blocks, "Original message" and
// forwarding separators, and stops at a signature delimiter, a "Sent from…"
// footer or a disclaimer. A typed line directly above an attribution is never
// joined into it. When nothing typed remains above the quote, the unquoted
// text below it is read (bottom-posting, text typed below a leading
// attribution or below the bot's own form).
//
// # When Parse records an answer
//
// A governance bot may ask again; it must never record an answer the member
// did not give. Parse records an answer only when it is sure of it;
// otherwise Answer is None, and Ambiguous and Doubt say why the member is
// asked again. The rules, in the order Parse applies them:
//
//  1. Only what the member typed counts. Quoted lines and the bot's marker
//     are never read. A line copied from the form counts only its leading
//     option word ("ABSTAIN / งดออกเสียง – ร่วมลงคะแนน แต่ไม่เห็นด้วย…" is
//     ABSTAIN), and a form description copied alone that reads as more than
//     one answer counts for nothing. Only ticked boxes count.
//
//  2. The closing block is never an answer. The sign-off and what follows it,
//     the signature block at the bottom (name, title, organisation, address,
//     phone, web and e-mail addresses, taglines), disclaimers (wherever they
//     stand) and "Sent from…" footers, in every language, are never the only
//     source of an answer and never make one ambiguous: "No. 12 Main Road",
//     "Say YES to decent work", "Migrant Support Network" and a disclaimer
//     holding 同意 or យល់ព្រម ("consent") read as nothing. A reply whose only
//     answer words stand there gets no answer (Doubt DoubtClosingOnly).
//
//  3. Negation is read by scope. A negator followed, within a short window,
//     by modals and auxiliaries (can, could, will, do, be able to, think …;
//     không thể, chưa; 无法, 不能, 不会; មិនអាច; ไม่อาจ, ไม่สามารถ; ບໍ່ສາມາດ;
//     Burmese မ… and …မဟုတ်, …မရ) negates the answer word after it; Thai,
//     Lao, Khmer, Chinese and Burmese negators after the word (เห็นด้วยไม่ได้,
//     ထောက်ခံ၍မရ) do too. A negated YES reads as NO and a negated SUPPORT as
//     OBJECT. "No objection", "do not object", ไม่มีข้อคัดค้าน, 没有异议,
//     không phản đối read as SUPPORT. "No comment" is no answer. A negated
//     NO or ABSTAIN in a vote ("we do not disagree", "we have no
//     objection", 我们不反对) is not read as its opposite: the reader is
//     not sure (YES or ABSTAIN?) and asks, unless a sure answer elsewhere
//     agrees with it. A negation further back in the sentence, or two
//     negations, make the word unsure.
//
//  4. Hedges and questions make a word unsure: a condition or a doubt in its
//     sentence ("if", "maybe", "subject to", ถ้า, nếu, 如果, ប្រសិនបើ, ຖ້າ,
//     လျှင်), a question mark or a question particle. An answer word used in
//     its ordinary sense ("their support", การสนับสนุน, sự ủng hộ, 的支持,
//     ထောက်ခံမှု) is not an answer.
//
//  5. The top line weighs most. When the first typed line (after a greeting)
//     is a bare answer (the answer word with fillers such as "I vote",
//     "ค่ะ", "ạ", "我们"), it is the answer; the lines below are read as
//     explanation. A vote is still asked again when a later line gives a
//     different answer surely; an opinion when a later line is itself a
//     bare different answer or corrects the first ("sorry, I meant …",
//     ขอแก้, 更正). So an objection's reasons may use "support" freely.
//
//  6. Otherwise every answer word in the body counts. Two different sure
//     answers are ambiguous ("YES to the first part, NO to the second": "NO
//     to …" counts as an answer). One sure answer is recorded unless an
//     unsure word disagrees with it. For opinions, COMMENT beside SUPPORT or
//     OBJECT leaves the opinion.
//
// Result.Line and Result.Rule say which line and which rule gave the answer
// (or why the reader asks again); Result.Quote is what a refusal quotes back;
// Result.Evidence lists every answer word read, with its zone and rule, for
// `govbot inspect --explain`.
package answer
