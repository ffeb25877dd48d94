// Command lotus-ref answers read-only Filecoin state queries the way Lotus
// (node/impl/full/state.go at the pinned version) answers them, using Lotus's
// own actor-state readers on a state root loaded from a CAR file. Its output
// is the reference the project's TypeScript tests compare against.
//
//	lotus-ref [--testnet|--devnet] <car-file> <state-root-cid> < queries.json > answers.json
//
// stdin:  [{"method": "StateMinerInfo", "params": ["f01000"]}, ...]
// stdout: [{"result": ...} | {"error": "..."}, ...] (one per query, same order)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/ipfs/go-cid"
	"github.com/ipld/go-car"

	"github.com/filecoin-project/go-address"
	"github.com/filecoin-project/go-state-types/abi"

	"github.com/filecoin-project/lotus/blockstore"
	"github.com/filecoin-project/lotus/build"
	"github.com/filecoin-project/lotus/chain/actors/policy"
)

type query struct {
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

type answer struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *string         `json:"error,omitempty"`
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: lotus-ref [--testnet|--devnet] <car-file> <state-root-cid> < queries.json")
	os.Exit(2)
}

func main() {
	testnet := false
	devnet := false
	var pos []string
	for _, a := range os.Args[1:] {
		switch a {
		case "--testnet":
			testnet = true
		case "--devnet":
			devnet = true
		case "-h", "--help":
			usage()
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) != 2 {
		usage()
	}

	// Network settings, as Lotus's build/buildconstants init() does for the
	// mainnet and calibnet builds (params_mainnet.go / params_calibnet.go).
	if devnet {
		// a 2k devnet (params_2k.go): t addresses, 2048-byte consensus minimum, the mainnet bundle's codes
		address.CurrentNetwork = address.Testnet
		policy.SetConsensusMinerMinPower(abi.NewStoragePower(2048))
		if err := build.UseNetworkBundle("mainnet"); err != nil {
			fatal("selecting mainnet actor bundle: %v", err)
		}
	} else if testnet {
		address.CurrentNetwork = address.Testnet
		policy.SetConsensusMinerMinPower(abi.NewStoragePower(32 << 30))
		policy.SetPreCommitChallengeDelay(abi.ChainEpoch(150))
		// Built-in actor (v8+) code CIDs of the calibration network, so that
		// miner.Load & co. recognise calibnet actor codes.
		if err := build.UseNetworkBundle("calibrationnet"); err != nil {
			fatal("selecting calibnet actor bundle: %v", err)
		}
	} else {
		address.CurrentNetwork = address.Mainnet
		policy.SetConsensusMinerMinPower(abi.NewStoragePower(10 << 40))
		policy.SetPreCommitChallengeDelay(abi.ChainEpoch(150))
		if err := build.UseNetworkBundle("mainnet"); err != nil {
			fatal("selecting mainnet actor bundle: %v", err)
		}
	}

	root, err := cid.Decode(pos[1])
	if err != nil {
		fatal("bad state root %q: %v", pos[1], err)
	}

	ctx := context.Background()
	bs := blockstore.NewMemory()
	f, err := os.Open(pos[0])
	if err != nil {
		fatal("%v", err)
	}
	if _, err := car.LoadCar(ctx, bs, bufio.NewReaderSize(f, 1<<20)); err != nil {
		fatal("loading CAR %s: %v", pos[0], err)
	}
	_ = f.Close()

	if ok, err := bs.Has(ctx, root); err != nil || !ok {
		fatal("state root %s is not in %s", root, pos[0])
	}

	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fatal("reading stdin: %v", err)
	}
	var qs []query
	if err := json.Unmarshal(in, &qs); err != nil {
		fatal("stdin must be a JSON array of {method, params}: %v", err)
	}

	n := &node{ctx: ctx, bs: bs, root: root}
	out := make([]answer, len(qs))
	for i, q := range qs {
		out[i] = n.run(q)
	}

	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	if err := enc.Encode(out); err != nil {
		fatal("writing output: %v", err)
	}
	if err := w.Flush(); err != nil {
		fatal("writing output: %v", err)
	}
}

func (n *node) run(q query) (a answer) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("panic: %v", r)
			if os.Getenv("LOTUS_REF_DEBUG") != "" {
				msg += "\n" + string(debug.Stack())
			}
			a = answer{Error: &msg}
		}
	}()
	h, ok := methods[strings.TrimPrefix(q.Method, "Filecoin.")]
	if !ok {
		msg := fmt.Sprintf("method '%s' not found", q.Method)
		return answer{Error: &msg}
	}
	res, err := h(n, params(q.Params))
	if err != nil {
		msg := err.Error()
		return answer{Error: &msg}
	}
	b, err := json.Marshal(res)
	if err != nil {
		msg := fmt.Sprintf("marshaling result: %v", err)
		return answer{Error: &msg}
	}
	return answer{Result: b}
}

func fatal(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "lotus-ref: "+format+"\n", args...)
	os.Exit(1)
}
