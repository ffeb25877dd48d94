package main

// Lotus's StateReadState decodes actor state with vm.DumpActorState over the
// registry built by chain/consensus.NewActorRegistry. Package chain/vm links
// filecoin-ffi (cgo), so the two are reproduced here from the same parts:
// chain/actors/builtin.MakeRegistryLegacy (specs-actors v0-v7 exports) and
// builtin.MakeRegistry (go-state-types v8+), keyed by code CID exactly as
// vm.ActorRegistry.Register keys them.

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ipfs/go-cid"
	cbor "github.com/ipfs/go-ipld-cbor"
	"golang.org/x/xerrors"

	actorstypes "github.com/filecoin-project/go-state-types/actors"
	exported0 "github.com/filecoin-project/specs-actors/actors/builtin/exported"
	exported2 "github.com/filecoin-project/specs-actors/v2/actors/builtin/exported"
	exported3 "github.com/filecoin-project/specs-actors/v3/actors/builtin/exported"
	exported4 "github.com/filecoin-project/specs-actors/v4/actors/builtin/exported"
	exported5 "github.com/filecoin-project/specs-actors/v5/actors/builtin/exported"
	exported6 "github.com/filecoin-project/specs-actors/v6/actors/builtin/exported"
	exported7 "github.com/filecoin-project/specs-actors/v7/actors/builtin/exported"

	builtin0 "github.com/filecoin-project/specs-actors/actors/builtin"
	builtin2 "github.com/filecoin-project/specs-actors/v2/actors/builtin"
	builtin3 "github.com/filecoin-project/specs-actors/v3/actors/builtin"
	builtin4 "github.com/filecoin-project/specs-actors/v4/actors/builtin"
	builtin5 "github.com/filecoin-project/specs-actors/v5/actors/builtin"
	builtin6 "github.com/filecoin-project/specs-actors/v6/actors/builtin"
	builtin7 "github.com/filecoin-project/specs-actors/v7/actors/builtin"

	"github.com/filecoin-project/lotus/chain/actors"
	"github.com/filecoin-project/lotus/chain/actors/builtin"
	"github.com/filecoin-project/lotus/chain/types"
)

// vm.EmptyObjectCid (chain/vm/mkactor.go init)
var emptyObjectCid = func() cid.Cid {
	c, err := cbor.NewMemCborStore().Put(context.TODO(), []struct{}{})
	if err != nil {
		panic(err)
	}
	return c
}()

type actorRegistry map[cid.Cid]builtin.RegistryEntry

// consensus.NewActorRegistry + vm.ActorRegistry.Register (code keys only).
func newActorRegistry() actorRegistry {
	ar := actorRegistry{}
	register := func(av actorstypes.Version, entries []builtin.RegistryEntry) {
		for _, a := range entries {
			ac := a.Code()
			ar[ac] = a
			if av >= actorstypes.Version8 {
				name := actors.CanonicalName(builtin.ActorNameByCode(ac))
				if realCode, ok := actors.GetActorCodeID(av, name); ok {
					ar[realCode] = a
				}
			}
		}
	}
	register(actorstypes.Version0, builtin.MakeRegistryLegacy(exported0.BuiltinActors()))
	register(actorstypes.Version2, builtin.MakeRegistryLegacy(exported2.BuiltinActors()))
	register(actorstypes.Version3, builtin.MakeRegistryLegacy(exported3.BuiltinActors()))
	register(actorstypes.Version4, builtin.MakeRegistryLegacy(exported4.BuiltinActors()))
	register(actorstypes.Version5, builtin.MakeRegistryLegacy(exported5.BuiltinActors()))
	register(actorstypes.Version6, builtin.MakeRegistryLegacy(exported6.BuiltinActors()))
	register(actorstypes.Version7, builtin.MakeRegistryLegacy(exported7.BuiltinActors()))
	for av := actorstypes.Version8; av <= actorstypes.Version18; av++ {
		register(av, builtin.MakeRegistry(av))
	}
	return ar
}

// vm.DumpActorState
func dumpActorState(ar actorRegistry, act *types.Actor, b []byte) (interface{}, error) {
	actInfo, ok := ar[act.Code]
	if !ok {
		return nil, xerrors.Errorf("state type for actor %s not found", act.Code)
	}

	um := actInfo.State()
	if um == nil {
		if act.Head != emptyObjectCid {
			return nil, xerrors.Errorf("actor with code %s should only have empty object (%s) as its Head, instead has %s", act.Code, emptyObjectCid, act.Head)
		}

		return nil, nil
	}
	if err := um.UnmarshalCBOR(bytes.NewReader(b)); err != nil {
		return nil, xerrors.Errorf("unmarshaling actor state: %w", err)
	}

	return um, nil
}

// actorVersionForCode gives the actors version a builtin actor code CID belongs
// to (manifest metadata for v8+, specs-actors code tables for v0-v7).
func actorVersionForCode(c cid.Cid) (actorstypes.Version, error) {
	if _, av, ok := actors.GetActorMetaByCode(c); ok {
		return av, nil
	}
	switch {
	case builtin0.IsBuiltinActor(c):
		return actorstypes.Version0, nil
	case builtin2.IsBuiltinActor(c):
		return actorstypes.Version2, nil
	case builtin3.IsBuiltinActor(c):
		return actorstypes.Version3, nil
	case builtin4.IsBuiltinActor(c):
		return actorstypes.Version4, nil
	case builtin5.IsBuiltinActor(c):
		return actorstypes.Version5, nil
	case builtin6.IsBuiltinActor(c):
		return actorstypes.Version6, nil
	case builtin7.IsBuiltinActor(c):
		return actorstypes.Version7, nil
	}
	return 0, fmt.Errorf("unknown actor code %s", c)
}
