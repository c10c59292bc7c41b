package bot

import (
	"testing"

	"github.com/mekongmigration/govbot/internal/gov"
)

// TestFormPersonKeepsTheNameApart: a contact's name is stored as a person is
// called, never with the address people write into the name field; the address
// comes from the address field, or else from the name field.
func TestFormPersonKeepsTheNameApart(t *testing.T) {
	for _, c := range []struct {
		name, email string
		want        gov.Person
	}{
		{"Le Van An", "an@myc.example", gov.Person{Name: "Le Van An", Email: "an@myc.example"}},
		{"Le Van An <an@myc.example>", "an@myc.example", gov.Person{Name: "Le Van An", Email: "an@myc.example"}},
		{`"Le Van An" <An@MYC.example>`, "", gov.Person{Name: "Le Van An", Email: "an@myc.example"}},
		{"Le Van An (an@myc.example)", "Le Van An <an@myc.example>", gov.Person{Name: "Le Van An", Email: "an@myc.example"}},
		{"Le Van An, an@myc.example", "", gov.Person{Name: "Le Van An", Email: "an@myc.example"}},
		{"Le Van An <mailto:an@myc.example>", "", gov.Person{Name: "Le Van An", Email: "an@myc.example"}},
		{"an@myc.example", "", gov.Person{Email: "an@myc.example"}},
		{"Pham Thu", "", gov.Person{Name: "Pham Thu"}},
		{"Nguyễn Thị Hoa – Director", "hoa@myc.example", gov.Person{Name: "Nguyễn Thị Hoa – Director", Email: "hoa@myc.example"}},
	} {
		if got := formPerson(c.name, c.email); got != c.want {
			t.Errorf("formPerson(%q, %q) = %+v, want %+v", c.name, c.email, got, c.want)
		}
	}
}
