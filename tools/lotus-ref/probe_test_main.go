package main

import (
	_ "github.com/filecoin-project/lotus/api"
	_ "github.com/filecoin-project/lotus/build"
	_ "github.com/filecoin-project/lotus/chain/actors/builtin/miner"
	_ "github.com/filecoin-project/lotus/chain/actors/builtin/power"
	_ "github.com/filecoin-project/lotus/chain/actors/builtin/multisig"
	_ "github.com/filecoin-project/lotus/chain/actors/builtin/market"
	_ "github.com/filecoin-project/lotus/chain/actors/builtin/verifreg"
	_ "github.com/filecoin-project/lotus/chain/actors/builtin/datacap"
	_ "github.com/filecoin-project/lotus/chain/actors/builtin/reward"
	_ "github.com/filecoin-project/lotus/chain/actors/adt"
	_ "github.com/filecoin-project/lotus/chain/actors/policy"
	_ "github.com/filecoin-project/lotus/chain/state"
	_ "github.com/filecoin-project/lotus/chain/types"
	_ "github.com/filecoin-project/lotus/blockstore"
	_ "github.com/ipld/go-car"
)

func main() {}
