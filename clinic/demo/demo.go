// Package demo fills a practice with made-up but realistic Hong Kong patients, for trying
// OnRamp out, for screenshots and for benchmarks at the size of a long-running practice. Nothing
// here is a real person: names are drawn from common surnames and given-name syllables, HKIDs are
// made up with correct check digits, phones are random.
package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/hkid"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

// BatchSize is how many patients go in one transaction: big enough that commits cost nothing,
// small enough that the writer is free again every second or so.
const BatchSize = 50000

// Actor is who the audit log says made the demo data.
var Actor = audit.Actor{Username: "demo"}

// Patients adds n made-up patients with numbers of the given prefix. The same seed gives the same
// patients. About one in 2,000 is a deliberate likely duplicate of an earlier one (same name and
// date of birth without a document, or same mobile and date of birth) for the review page.
func Patients(ctx context.Context, db *store.DB, n int, seed int64, prefix string) error {
	restore, err := patients.BulkPragmas(ctx, db)
	if err != nil {
		return err
	}
	defer restore()

	g := newGenerator(seed)
	var any int
	if err := db.W.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM patients)`).Scan(&any); err != nil {
		return err
	}
	if any == 0 {
		// A new practice: one transaction, so that patients.Bulk builds the indexes once at the
		// end, and nobody sees half the patients.
		return db.Write(ctx, func(tx *sql.Tx) error { return g.add(ctx, tx, n, prefix) })
	}
	for done := 0; done < n; done += BatchSize {
		size := min(BatchSize, n-done)
		if err := db.Write(ctx, func(tx *sql.Tx) error { return g.add(ctx, tx, size, prefix) }); err != nil {
			return err
		}
	}
	return nil
}

// add makes n patients in tx.
func (g *generator) add(ctx context.Context, tx *sql.Tx, n int, prefix string) error {
	b, err := patients.NewBulk(ctx, tx, prefix, Actor)
	if err != nil {
		return err
	}
	// Make and validate the patients on another goroutine (and core) while this one writes.
	made := make(chan patients.Input, 1024)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(made)
		for i := 0; i < n; i++ {
			in := g.next()
			_ = in.Validate() // Add reports a fault
			select {
			case made <- in:
			case <-stop:
				return
			}
		}
	}()
	first, last := "", ""
	for i := 0; i < n; i++ {
		in := <-made
		_, number, err := b.Add(&in)
		if err != nil && in.DocNumber != "" {
			// Run twice on one database, a made-up document may already be taken.
			in.DocType, in.DocNumber, in.DocCountry = "", "", ""
			_ = in.Validate()
			_, number, err = b.Add(&in)
		}
		if err != nil {
			return fmt.Errorf("demo patient %d: %w", i, err)
		}
		if first == "" {
			first = number
		}
		last = number
		if i%BatchSize == BatchSize-1 {
			if err := b.Flush(); err != nil {
				return err
			}
		}
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := b.Close(); err != nil {
		return err
	}
	return audit.Append(ctx, tx, Actor.Entry(audit.ActionCreate, "patient", "", 0,
		fmt.Sprintf("demo data: %d made-up patients %s to %s", n, first, last)))
}

type surname struct{ en, zh string }

// The commonest Hong Kong surnames, romanised as Hong Kong writes them (Cantonese), roughly in
// order of frequency so that drawing from the front more often is realistic.
var surnames = []surname{
	{"Chan", "陳"}, {"Leung", "梁"}, {"Cheung", "張"}, {"Lau", "劉"}, {"Lee", "李"}, {"Wong", "黃"}, {"Ho", "何"},
	{"Lam", "林"}, {"Ng", "吳"}, {"Tsang", "曾"}, {"Yip", "葉"}, {"Tang", "鄧"}, {"Chow", "周"}, {"Fung", "馮"},
	{"Kwok", "郭"}, {"Lai", "黎"}, {"Mak", "麥"}, {"Yeung", "楊"}, {"Cheng", "鄭"}, {"Tse", "謝"}, {"Lo", "盧"},
	{"Choi", "蔡"}, {"Siu", "蕭"}, {"Kwan", "關"}, {"Luk", "陸"}, {"Tam", "譚"}, {"Au", "區"}, {"So", "蘇"},
	{"Yu", "余"}, {"Ma", "馬"}, {"Hui", "許"}, {"Chu", "朱"}, {"Wu", "胡"}, {"Poon", "潘"}, {"Chung", "鍾"},
	{"Fong", "方"}, {"Law", "羅"}, {"Yuen", "袁"}, {"Kong", "江"}, {"Tong", "唐"}, {"Shum", "岑"}, {"Koo", "古"},
	{"Szeto", "司徒"}, {"Au Yeung", "歐陽"}, {"Sin", "冼"}, {"Pang", "彭"}, {"Wan", "溫"}, {"Chiu", "趙"},
}

type syllable struct{ en, zh string }

var (
	maleSyllables = []syllable{
		{"Tai", "大"}, {"Man", "文"}, {"Siu", "小"}, {"Ming", "明"}, {"Wai", "偉"}, {"Chi", "志"}, {"Kin", "健"},
		{"Wing", "榮"}, {"Ho", "浩"}, {"Hei", "希"}, {"Hoi", "凱"}, {"Lok", "樂"}, {"Fai", "輝"}, {"Kit", "傑"},
		{"Chun", "俊"}, {"Hung", "雄"}, {"Kam", "錦"}, {"Shing", "成"}, {"Wah", "華"}, {"Kwong", "光"},
		{"Keung", "強"}, {"Tsz", "梓"}, {"Hin", "軒"}, {"Long", "朗"}, {"Yiu", "耀"}, {"Cheuk", "卓"}, {"Chung", "聰"},
		{"Kai", "啟"}, {"Tak", "德"}, {"Sun", "新"}, {"Yat", "日"}, {"Pak", "柏"}, {"Ching", "正"}, {"On", "安"},
	}
	femaleSyllables = []syllable{
		{"Ka", "嘉"}, {"Yan", "欣"}, {"Mei", "美"}, {"Ling", "玲"}, {"Yuen", "婉"}, {"Kwan", "君"}, {"Sze", "詩"},
		{"Yee", "儀"}, {"Fong", "芳"}, {"Lai", "麗"}, {"Yuk", "玉"}, {"Wing", "詠"}, {"Hoi", "凱"}, {"Sum", "心"},
		{"Tsz", "子"}, {"Wai", "慧"}, {"Man", "敏"}, {"Ching", "晴"}, {"Hiu", "曉"}, {"Lok", "樂"}, {"Kei", "琪"},
		{"Shan", "珊"}, {"Nga", "雅"}, {"Yin", "妍"}, {"Oi", "愛"}, {"Siu", "少"}, {"Po", "寶"}, {"Chu", "珠"},
		{"Fung", "鳳"}, {"Lan", "蘭"}, {"Wan", "韻"}, {"Sin", "倩"}, {"Ying", "瑩"}, {"Kit", "潔"},
	}
	englishMale   = []string{"Peter", "John", "David", "Michael", "Kelvin", "Jason", "Eric", "Raymond", "Alan", "Tony", "Kenneth", "Ivan"}
	englishFemale = []string{"Mary", "Karen", "Winnie", "Cindy", "Jenny", "Vivian", "Grace", "Ivy", "Joyce", "Cherry", "Cathy", "Annie"}
	hkidLetters   = []string{"A", "B", "C", "D", "E", "G", "H", "K", "M", "P", "R", "V", "Y", "Z", "XA", "XB"}
	countries     = []string{"GBR", "USA", "CAN", "AUS", "PHL", "IDN", "IND", "PAK", "NPL", "JPN", "THA", "FRA"}
	districts     = []struct{ en, zh string }{
		{"Tai Koo Shing, Quarry Bay", "鰂魚涌太古城"}, {"Mei Foo Sun Chuen, Lai Chi Kok", "荔枝角美孚新邨"},
		{"Kwun Tong", "觀塘"}, {"Sha Tin", "沙田"}, {"Tuen Mun", "屯門"}, {"Tseung Kwan O", "將軍澳"},
		{"Wong Tai Sin", "黃大仙"}, {"Sham Shui Po", "深水埗"}, {"Yuen Long", "元朗"}, {"Tai Po", "大埔"},
		{"North Point", "北角"}, {"Mong Kok", "旺角"}, {"Tsuen Wan", "荃灣"}, {"Aberdeen", "香港仔"},
		{"Ma On Shan", "馬鞍山"}, {"Tin Shui Wai", "天水圍"}, {"Kowloon City", "九龍城"}, {"Chai Wan", "柴灣"},
	}
	estates   = []string{"Garden", "Court", "Estate", "Mansion", "Building", "Centre", "Terrace", "Villa"}
	relations = []string{"Spouse", "Mother", "Father", "Son", "Daughter", "Sister", "Brother", "Friend", "Domestic helper"}
	methods   = patients.ConsentMethods
)

// hkidSpace is how many distinct made-up HKIDs there are; hkidStep is coprime with it, so that
// i -> i*hkidStep mod hkidSpace hands out each number once without remembering them.
const (
	hkidStep = 1000003
)

type recent struct {
	surname, given, zh, sex, dob, mobile string
}

type generator struct {
	r        *rand.Rand
	i        int
	offset   int
	space    int
	today    time.Time
	ring     [1024]recent
	eHRStart int64
}

func newGenerator(seed int64) *generator {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
	space := len(hkidLetters) * 1000000
	return &generator{r: r, space: space, offset: r.IntN(space), today: time.Now().UTC(),
		eHRStart: 100000000000 + r.Int64N(100000000000)}
}

// pick draws from a list, favouring the front (a rough Zipf): common surnames come up more.
func pick[T any](r *rand.Rand, list []T) T {
	i := int(float64(len(list)) * r.Float64() * r.Float64())
	return list[i]
}

func (g *generator) given(male bool) (en, zh string) {
	list := femaleSyllables
	if male {
		list = maleSyllables
	}
	a := list[g.r.IntN(len(list))]
	if g.r.IntN(10) == 0 { // one-syllable given name
		return a.en, a.zh
	}
	b := list[g.r.IntN(len(list))]
	return a.en + " " + b.en, a.zh + b.zh
}

func (g *generator) phone(first string) string {
	return first + strconv.Itoa(1000000+g.r.IntN(9000000))
}

func (g *generator) mobile() string {
	return g.phone([]string{"5", "6", "9"}[g.r.IntN(3)])
}

// next makes the next patient.
func (g *generator) next() patients.Input {
	i := g.i
	g.i++
	r := g.r
	male := r.IntN(2) == 0
	sn := pick(r, surnames)
	givenEN, givenZH := g.given(male)
	if r.IntN(6) == 0 { // an English name too, written first as on many HKIDs: "Peter Tai Man"
		if male {
			givenEN = englishMale[r.IntN(len(englishMale))] + " " + givenEN
		} else {
			givenEN = englishFemale[r.IntN(len(englishFemale))] + " " + givenEN
		}
	}
	in := patients.Input{SurnameEN: sn.en, GivenNameEN: givenEN, NameZH: sn.zh + givenZH, Sex: "F",
		Language: []string{"zh", "zh", "zh", "en", "both", "both"}[r.IntN(6)]}
	if male {
		in.Sex = "M"
	}
	if r.IntN(500) == 0 {
		in.Sex = "U"
	}
	if r.IntN(8) == 0 {
		in.SurnameEN = strings.ToUpper(in.SurnameEN) // typed in capitals, as on the card
		in.GivenNameEN = strings.ToUpper(in.GivenNameEN)
	}

	// Ages 0 to 100, more adults than children or the very old.
	age := r.IntN(101)
	if r.IntN(3) == 0 {
		age = 25 + r.IntN(50)
	}
	born := g.today.AddDate(-age, 0, -r.IntN(365))
	switch r.IntN(40) {
	case 0: // known only to the year, as for many older patients
		in.DOB = strconv.Itoa(born.Year())
	case 1:
		in.DOB = born.Format("2006-01")
	default:
		in.DOB = born.Format("2006-01-02")
	}

	// Identity documents: HKID for most, birth certificate for children, some passports.
	switch k := r.IntN(100); {
	case k < 2:
		in.DocType, in.DocCountry = patients.DocPassport, countries[r.IntN(len(countries))]
		in.DocNumber = fmt.Sprintf("%c%08d", 'A'+rune(i%26), i)
	case k < 3: // none on file
	default:
		v := (i*hkidStep + g.offset) % g.space
		id, _ := hkid.New(hkidLetters[v/1000000], fmt.Sprintf("%06d", v%1000000))
		in.DocType, in.DocNumber = patients.DocHKID, id.Normal()
		if age < 11 {
			in.DocType = patients.DocBirthCert
		}
	}

	in.Mobile = g.mobile()
	if r.IntN(10) < 3 {
		in.PhoneOther = g.phone([]string{"2", "3"}[r.IntN(2)])
	}
	d := districts[r.IntN(len(districts))]
	if in.Language == "zh" && r.IntN(2) == 0 {
		in.Address = fmt.Sprintf("%s%d座%d樓%c室", d.zh, 1+r.IntN(8), 1+r.IntN(40), 'A'+rune(r.IntN(8)))
	} else {
		in.Address = fmt.Sprintf("Flat %c, %d/F, Block %d, %s %s, %s", 'A'+rune(r.IntN(8)), 1+r.IntN(40), 1+r.IntN(8),
			pick(r, surnames).en, estates[r.IntN(len(estates))], d.en)
	}
	if r.IntN(7) == 0 {
		in.Email = strings.ToLower(strings.ReplaceAll(sn.en, " ", "")+strings.ReplaceAll(givenEN, " ", "")) +
			strconv.Itoa(r.IntN(1000)) + "@example.com"
	}
	if r.IntN(10) < 4 {
		en, _ := g.given(r.IntN(2) == 0)
		in.EmergencyName = strings.ToUpper(pick(r, surnames).en) + " " + en
		in.EmergencyPhone = g.mobile()
		in.EmergencyRelation = relations[r.IntN(len(relations))]
	}
	if r.IntN(50) == 0 {
		in.Remarks = []string{"Prefers afternoon appointments", "Hard of hearing", "需要輪椅", "Interpreter: Nepali"}[r.IntN(4)]
	}

	// eHealth: about a third have joined, most of them with sharing consent.
	if r.IntN(10) < 3 && in.DocNumber != "" {
		e := &patients.EHealthInput{EHRNo: strconv.FormatInt(g.eHRStart+int64(i), 10), Joined: true}
		if r.IntN(10) < 7 {
			e.Consent = patients.ConsentGiven
			e.Method = methods[r.IntN(len(methods))]
			e.ConsentDate = g.today.AddDate(0, 0, -1-r.IntN(3000)).Format("2006-01-02")
		}
		in.EHealth = e
	}

	// Now and then the same person registered twice.
	if i >= 1000 && i%2000 == 1999 {
		prev := g.ring[(i-997)%len(g.ring)]
		in.SurnameEN, in.GivenNameEN, in.NameZH, in.Sex, in.DOB = prev.surname, prev.given, prev.zh, prev.sex, prev.dob
		if r.IntN(2) == 0 {
			in.DocType, in.DocNumber, in.DocCountry = "", "", "" // came without the card the first time
		} else {
			in.Mobile = prev.mobile // same phone, name spelt differently
			in.GivenNameEN = strings.ReplaceAll(in.GivenNameEN, " ", "-")
			in.NameZH = ""
		}
		in.EHealth = nil
	}
	g.ring[i%len(g.ring)] = recent{in.SurnameEN, in.GivenNameEN, in.NameZH, in.Sex, in.DOB, in.Mobile}
	return in
}
