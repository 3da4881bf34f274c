package data

import (
	"strings"
	"time"
)

// Reseller owns cards: the seed's "Reseller" column and "Company" field.
type Reseller struct {
	ID        int64
	Name      string
	Cards     int64 // cards it owns
	CreatedAt time.Time
}

func CleanName(name string) (string, error) {
	if err := CheckText("reseller name", name); err != nil {
		return "", err
	}
	n := strings.Join(strings.Fields(name), " ")
	if n == "" {
		return "", errf(ErrInvalid, "reseller name is empty; type a name")
	}
	if len([]rune(n)) > 100 {
		return "", errf(ErrInvalid, "reseller name is longer than 100 characters")
	}
	return n, nil
}

// CheckResellerName says whether name can be a reseller's name.
func CheckResellerName(name string) error {
	_, err := CleanName(name)
	return err
}
