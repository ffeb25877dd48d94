package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/filecoin-project/go-address"
	"github.com/filecoin-project/go-state-types/abi"
)

// params gives typed access to a query's positional params. Decoding errors
// are this harness's own wording (Lotus's JSON-RPC layer would word them
// differently); everything after decoding follows Lotus.
type params []json.RawMessage

func (p params) need(n int) error {
	if len(p) < n {
		return fmt.Errorf("expected %d params, got %d", n, len(p))
	}
	return nil
}

func (p params) addr(i int) (address.Address, error) {
	if i >= len(p) {
		return address.Undef, fmt.Errorf("missing param %d (address)", i)
	}
	var s string
	if err := json.Unmarshal(p[i], &s); err != nil {
		return address.Undef, fmt.Errorf("param %d: address must be a string: %w", i, err)
	}
	a, err := address.NewFromString(s)
	if err != nil {
		return address.Undef, fmt.Errorf("param %d: bad address %q: %w", i, s, err)
	}
	return a, nil
}

// int64 accepts a JSON number or a decimal string.
func (p params) int64(i int, what string) (int64, error) {
	if i >= len(p) {
		return 0, fmt.Errorf("missing param %d (%s)", i, what)
	}
	raw := strings.TrimSpace(string(p[i]))
	if strings.HasPrefix(raw, `"`) {
		var s string
		if err := json.Unmarshal(p[i], &s); err != nil {
			return 0, fmt.Errorf("param %d (%s): %w", i, what, err)
		}
		raw = s
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("param %d (%s): not an integer: %s", i, what, raw)
	}
	return v, nil
}

func (p params) uint64(i int, what string) (uint64, error) {
	if i >= len(p) {
		return 0, fmt.Errorf("missing param %d (%s)", i, what)
	}
	raw := strings.TrimSpace(string(p[i]))
	if strings.HasPrefix(raw, `"`) {
		var s string
		if err := json.Unmarshal(p[i], &s); err != nil {
			return 0, fmt.Errorf("param %d (%s): %w", i, what, err)
		}
		raw = s
	}
	v, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("param %d (%s): not an unsigned integer: %s", i, what, raw)
	}
	return v, nil
}

func (p params) epoch(i int, what string) (abi.ChainEpoch, error) {
	v, err := p.int64(i, what)
	return abi.ChainEpoch(v), err
}
