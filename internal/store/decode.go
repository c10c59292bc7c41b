package store

import (
	"fmt"
	"runtime"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// decodeAll decodes every value of b, in key order, on every core when there are
// many (closing a ballot reads the roster, the electorate and the votes: 10,000
// JSON records each). An error names the key it was decoded from.
func decodeAll[T any](b *bolt.Bucket) ([]T, error) {
	var keys, vals [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		if v != nil { // a nested bucket is no record
			keys, vals = append(keys, k), append(vals, v)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]T, len(vals))
	errs := make([]error, len(vals))
	decode := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			errs[i] = jsonUnmarshal(vals[i], &out[i])
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(vals)/500)
	if workers <= 1 {
		decode(0, len(vals))
	} else {
		var wg sync.WaitGroup
		per := (len(vals) + workers - 1) / workers
		for lo := 0; lo < len(vals); lo += per {
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				decode(lo, hi)
			}(lo, min(lo+per, len(vals)))
		}
		wg.Wait()
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keys[i], err)
		}
	}
	return out, nil
}
