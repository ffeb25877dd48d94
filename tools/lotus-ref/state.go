package main

// Each handler below mirrors the Lotus v1.35.0 code path named in its comment
// (node/impl/full/state.go, chain/stmgr/*.go), with the tipset replaced by the
// state root given on the command line (used as the tipset's parent state) and,
// where Lotus reads ts.Height(), an explicit "height" param. The error wrapping
// is copied from those functions so err.Error() reads as Lotus's would.

import (
	"context"
	"errors"

	"github.com/ipfs/go-cid"
	cbor "github.com/ipfs/go-ipld-cbor"
	"github.com/libp2p/go-libp2p/core/peer"
	"golang.org/x/xerrors"

	"github.com/filecoin-project/go-address"
	"github.com/filecoin-project/go-state-types/abi"
	"github.com/filecoin-project/go-state-types/big"

	"github.com/filecoin-project/lotus/api"
	"github.com/filecoin-project/lotus/blockstore"
	"github.com/filecoin-project/lotus/chain/actors/adt"
	"github.com/filecoin-project/lotus/chain/actors/builtin/datacap"
	"github.com/filecoin-project/lotus/chain/actors/builtin/market"
	"github.com/filecoin-project/lotus/chain/actors/builtin/miner"
	"github.com/filecoin-project/lotus/chain/actors/builtin/multisig"
	"github.com/filecoin-project/lotus/chain/actors/builtin/power"
	"github.com/filecoin-project/lotus/chain/actors/builtin/verifreg"
	"github.com/filecoin-project/lotus/chain/state"
	"github.com/filecoin-project/lotus/chain/types"
)

type node struct {
	ctx  context.Context
	bs   blockstore.Blockstore
	root cid.Cid
}

type handler func(n *node, p params) (interface{}, error)

var methods = map[string]handler{
	"StateMinerInfo":             (*node).StateMinerInfo,
	"StateMinerPower":            (*node).StateMinerPower,
	"StateMinerSectorCount":      (*node).StateMinerSectorCount,
	"StateMinerDeadlines":        (*node).StateMinerDeadlines,
	"StateMinerProvingDeadline":  (*node).StateMinerProvingDeadline,
	"StateSectorGetInfo":         (*node).StateSectorGetInfo,
	"StateListMiners":            (*node).StateListMiners,
	"StateMinerAvailableBalance": (*node).StateMinerAvailableBalance,
	"MsigGetAvailableBalance":    (*node).MsigGetAvailableBalance,
	"MsigGetVestingSchedule":     (*node).MsigGetVestingSchedule,
	"MsigGetPending":             (*node).MsigGetPending,
	"MsigGetVested":              (*node).MsigGetVested,
	"StateMarketBalance":         (*node).StateMarketBalance,
	"StateMarketStorageDeal":     (*node).StateMarketStorageDeal,
	"StateVerifiedClientStatus":  (*node).StateVerifiedClientStatus,
	"StateVerifierStatus":        (*node).StateVerifierStatus,
	"StateReadState":             (*node).StateReadState,
	"StateGetActor":              (*node).StateGetActor,
	"StateLookupID":              (*node).StateLookupID,
}

// ---- StateManager / ChainStore equivalents ----

// ChainStore.ActorStore
func (n *node) actorStore() adt.Store {
	return adt.WrapStore(n.ctx, cbor.NewCborStore(n.bs))
}

// stmgr.StateManager.ParentState / StateTree
func (n *node) parentState() (*state.StateTree, error) {
	cst := cbor.NewCborStore(n.bs)
	st, err := state.LoadStateTree(cst, n.root)
	if err != nil {
		return nil, xerrors.Errorf("load state tree: %w", err)
	}
	return st, nil
}

// stmgr.StateManager.LoadActor / LoadActorTsk / LoadActorRaw
func (n *node) loadActor(addr address.Address) (*types.Actor, error) {
	st, err := n.parentState()
	if err != nil {
		return nil, err
	}
	return st.GetActor(addr)
}

// stmgr.StateManager.LookupIDAddress
func (n *node) lookupIDAddress(addr address.Address) (address.Address, error) {
	if addr.Protocol() == address.ID {
		return addr, nil
	}
	st, err := n.parentState()
	if err != nil {
		return address.Undef, err
	}
	return st.LookupIDAddress(addr)
}

// StateModule.StateLookupID
func (n *node) stateLookupID(addr address.Address) (address.Address, error) {
	ret, err := n.lookupIDAddress(addr)
	if err != nil && errors.Is(err, types.ErrActorNotFound) {
		return address.Undef, &api.ErrActorNotFound{}
	}
	return ret, err
}

// ---- handlers ----

// StateModule.StateGetActor
func (n *node) StateGetActor(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	return n.loadActor(addr)
}

// StateModule.StateLookupID
func (n *node) StateLookupID(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	return n.stateLookupID(addr)
}

// StateModule.StateMinerInfo
func (n *node) StateMinerInfo(p params) (interface{}, error) {
	actor, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(actor)
	if err != nil {
		return api.MinerInfo{}, xerrors.Errorf("failed to load miner actor: %w", err)
	}

	mas, err := miner.Load(n.actorStore(), act)
	if err != nil {
		return api.MinerInfo{}, xerrors.Errorf("failed to load miner actor state: %w", err)
	}

	info, err := mas.Info()
	if err != nil {
		return api.MinerInfo{}, err
	}

	var pid *peer.ID
	if peerID, err := peer.IDFromBytes(info.PeerId); err == nil {
		pid = &peerID
	}

	ret := api.MinerInfo{
		Owner:                      info.Owner,
		Worker:                     info.Worker,
		ControlAddresses:           info.ControlAddresses,
		NewWorker:                  address.Undef,
		WorkerChangeEpoch:          -1,
		PeerId:                     pid,
		Multiaddrs:                 info.Multiaddrs,
		WindowPoStProofType:        info.WindowPoStProofType,
		SectorSize:                 info.SectorSize,
		WindowPoStPartitionSectors: info.WindowPoStPartitionSectors,
		ConsensusFaultElapsed:      info.ConsensusFaultElapsed,
		PendingOwnerAddress:        info.PendingOwnerAddress,
		Beneficiary:                info.Beneficiary,
		BeneficiaryTerm:            &info.BeneficiaryTerm,
		PendingBeneficiaryTerm:     info.PendingBeneficiaryTerm,
	}

	if info.PendingWorkerKey != nil {
		ret.NewWorker = info.PendingWorkerKey.NewWorker
		ret.WorkerChangeEpoch = info.PendingWorkerKey.EffectiveAt
	}

	return ret, nil
}

// StateModule.StateMinerPower -> stmgr.GetPower -> stmgr.GetPowerRaw
func (n *node) StateMinerPower(p params) (interface{}, error) {
	maddr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(power.Address)
	if err != nil {
		return nil, xerrors.Errorf("(get sset) failed to load power actor state: %w", err)
	}

	pas, err := power.Load(n.actorStore(), act)
	if err != nil {
		return nil, err
	}

	tpow, err := pas.TotalPower()
	if err != nil {
		return nil, err
	}

	var mpow power.Claim
	var minpow bool
	if maddr != address.Undef {
		var found bool
		mpow, found, err = pas.MinerPower(maddr)
		if err != nil || !found {
			// GetPowerRaw returns (Claim{}, tpow, false, err); StateMinerPower
			// then returns nil, err -- or, when err is nil (miner not found),
			// a MinerPower with zero miner power and the total.
			if err != nil {
				return nil, err
			}
			return &api.MinerPower{
				MinerPower:  power.Claim{},
				TotalPower:  tpow,
				HasMinPower: false,
			}, nil
		}

		minpow, err = pas.MinerNominalPowerMeetsConsensusMinimum(maddr)
		if err != nil {
			return nil, err
		}
	}

	return &api.MinerPower{
		MinerPower:  mpow,
		TotalPower:  tpow,
		HasMinPower: minpow,
	}, nil
}

// StateAPI.StateMinerSectorCount
func (n *node) StateMinerSectorCount(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(addr)
	if err != nil {
		return api.MinerSectors{}, err
	}
	mas, err := miner.Load(n.actorStore(), act)
	if err != nil {
		return api.MinerSectors{}, err
	}
	var activeCount, liveCount, faultyCount uint64
	if err := mas.ForEachDeadline(func(_ uint64, dl miner.Deadline) error {
		return dl.ForEachPartition(func(_ uint64, part miner.Partition) error {
			if active, err := part.ActiveSectors(); err != nil {
				return err
			} else if count, err := active.Count(); err != nil {
				return err
			} else {
				activeCount += count
			}
			if live, err := part.LiveSectors(); err != nil {
				return err
			} else if count, err := live.Count(); err != nil {
				return err
			} else {
				liveCount += count
			}
			if faulty, err := part.FaultySectors(); err != nil {
				return err
			} else if count, err := faulty.Count(); err != nil {
				return err
			} else {
				faultyCount += count
			}
			return nil
		})
	}); err != nil {
		return api.MinerSectors{}, err
	}
	return api.MinerSectors{Live: liveCount, Active: activeCount, Faulty: faultyCount}, nil
}

// StateAPI.StateMinerDeadlines
func (n *node) StateMinerDeadlines(p params) (interface{}, error) {
	m, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(m)
	if err != nil {
		return nil, xerrors.Errorf("failed to load miner actor: %w", err)
	}

	mas, err := miner.Load(n.actorStore(), act)
	if err != nil {
		return nil, xerrors.Errorf("failed to load miner actor state: %w", err)
	}

	deadlines, err := mas.NumDeadlines()
	if err != nil {
		return nil, xerrors.Errorf("getting deadline count: %w", err)
	}

	out := make([]api.Deadline, deadlines)
	if err := mas.ForEachDeadline(func(i uint64, dl miner.Deadline) error {
		ps, err := dl.PartitionsPoSted()
		if err != nil {
			return err
		}

		l, err := dl.DisputableProofCount()
		if err != nil {
			return err
		}
		dailyFee, err := dl.DailyFee()
		if err != nil {
			return err
		}

		out[i] = api.Deadline{
			PostSubmissions:      ps,
			DisputableProofCount: l,
			DailyFee:             dailyFee,
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// StateModule.StateMinerProvingDeadline (height = ts.Height())
func (n *node) StateMinerProvingDeadline(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	height, err := p.epoch(1, "height")
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(addr)
	if err != nil {
		return nil, xerrors.Errorf("failed to load miner actor: %w", err)
	}

	mas, err := miner.Load(n.actorStore(), act)
	if err != nil {
		return nil, xerrors.Errorf("failed to load miner actor state: %w", err)
	}

	di, err := mas.DeadlineInfo(height)
	if err != nil {
		return nil, xerrors.Errorf("failed to get deadline info: %w", err)
	}

	return di.NextNotElapsed(), nil
}

// StateModule.StateSectorGetInfo -> stmgr.MinerSectorInfo (nil, nil when absent)
func (n *node) StateSectorGetInfo(p params) (interface{}, error) {
	maddr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	sid, err := p.uint64(1, "sector number")
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(maddr)
	if err != nil {
		return nil, xerrors.Errorf("(get sset) failed to load miner actor: %w", err)
	}

	mas, err := miner.Load(n.actorStore(), act)
	if err != nil {
		return nil, xerrors.Errorf("(get sset) failed to load miner actor state: %w", err)
	}

	si, err := mas.GetSector(abi.SectorNumber(sid))
	if err != nil {
		return nil, err
	}
	return si, nil
}

// StateModule.StateListMiners -> stmgr.ListMinerActors
func (n *node) StateListMiners(p params) (interface{}, error) {
	act, err := n.loadActor(power.Address)
	if err != nil {
		return nil, xerrors.Errorf("failed to load power actor: %w", err)
	}

	powState, err := power.Load(n.actorStore(), act)
	if err != nil {
		return nil, xerrors.Errorf("failed to load power actor state: %w", err)
	}

	return powState.ListAllMiners()
}

// StateAPI.StateMinerAvailableBalance (height = ts.Height())
func (n *node) StateMinerAvailableBalance(p params) (interface{}, error) {
	maddr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	height, err := p.epoch(1, "height")
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(maddr)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to load miner actor: %w", err)
	}

	mas, err := miner.Load(n.actorStore(), act)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to load miner actor state: %w", err)
	}

	vested, err := mas.VestedFunds(height)
	if err != nil {
		return types.EmptyInt, err
	}

	abal, err := mas.AvailableBalance(act.Balance)
	if err != nil {
		return types.EmptyInt, err
	}

	return types.BigAdd(abal, vested), nil
}

// StateModule.MsigGetAvailableBalance (height = ts.Height())
func (n *node) MsigGetAvailableBalance(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	height, err := p.epoch(1, "height")
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(addr)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to load multisig actor: %w", err)
	}
	msas, err := multisig.Load(n.actorStore(), act)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to load multisig actor state: %w", err)
	}
	locked, err := msas.LockedBalance(height)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to compute locked multisig balance: %w", err)
	}
	return types.BigSub(act.Balance, locked), nil
}

// StateAPI.MsigGetVestingSchedule
func (n *node) MsigGetVestingSchedule(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(addr)
	if err != nil {
		return api.EmptyVesting, xerrors.Errorf("failed to load multisig actor: %w", err)
	}

	msas, err := multisig.Load(n.actorStore(), act)
	if err != nil {
		return api.EmptyVesting, xerrors.Errorf("failed to load multisig actor state: %w", err)
	}

	ib, err := msas.InitialBalance()
	if err != nil {
		return api.EmptyVesting, xerrors.Errorf("failed to load multisig initial balance: %w", err)
	}

	se, err := msas.StartEpoch()
	if err != nil {
		return api.EmptyVesting, xerrors.Errorf("failed to load multisig start epoch: %w", err)
	}

	ud, err := msas.UnlockDuration()
	if err != nil {
		return api.EmptyVesting, xerrors.Errorf("failed to load multisig unlock duration: %w", err)
	}

	return api.MsigVesting{
		InitialBalance: ib,
		StartEpoch:     se,
		UnlockDuration: ud,
	}, nil
}

// StateModule.MsigGetVested (start/end heights = startTs/endTs.Height(); the
// actor is read from the given state root, i.e. endTs's parent state)
func (n *node) MsigGetVested(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	start, err := p.epoch(1, "start height")
	if err != nil {
		return nil, err
	}
	end, err := p.epoch(2, "end height")
	if err != nil {
		return nil, err
	}

	if start > end {
		return types.EmptyInt, xerrors.Errorf("start tipset %d is after end tipset %d", start, end)
	} else if start == end {
		return big.Zero(), nil
	}

	act, err := n.loadActor(addr)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to load multisig actor at end epoch: %w", err)
	}

	msas, err := multisig.Load(n.actorStore(), act)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to load multisig actor state: %w", err)
	}

	startLk, err := msas.LockedBalance(start)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to compute locked balance at start height: %w", err)
	}

	endLk, err := msas.LockedBalance(end)
	if err != nil {
		return types.EmptyInt, xerrors.Errorf("failed to compute locked balance at end height: %w", err)
	}

	return types.BigSub(startLk, endLk), nil
}

// StateModule.MsigGetPending
func (n *node) MsigGetPending(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(addr)
	if err != nil {
		return nil, xerrors.Errorf("failed to load multisig actor: %w", err)
	}
	msas, err := multisig.Load(n.actorStore(), act)
	if err != nil {
		return nil, xerrors.Errorf("failed to load multisig actor state: %w", err)
	}

	var out = []*api.MsigTransaction{}
	if err := msas.ForEachPendingTxn(func(id int64, txn multisig.Transaction) error {
		out = append(out, &api.MsigTransaction{
			ID:     id,
			To:     txn.To,
			Value:  txn.Value,
			Method: txn.Method,
			Params: txn.Params,

			Approved: txn.Approved,
		})
		return nil
	}); err != nil {
		return nil, err
	}

	return out, nil
}

// stmgr.StateManager.GetMarketState
func (n *node) getMarketState() (market.State, error) {
	st, err := n.parentState()
	if err != nil {
		return nil, err
	}

	act, err := st.GetActor(market.Address)
	if err != nil {
		return nil, err
	}

	return market.Load(n.actorStore(), act)
}

// StateModule.StateMarketBalance -> stmgr.StateManager.MarketBalance
func (n *node) StateMarketBalance(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	mstate, err := n.getMarketState()
	if err != nil {
		return api.MarketBalance{}, err
	}

	addr, err = n.lookupIDAddress(addr)
	if err != nil {
		return api.MarketBalance{}, err
	}

	var out api.MarketBalance

	et, err := mstate.EscrowTable()
	if err != nil {
		return api.MarketBalance{}, err
	}
	out.Escrow, err = et.Get(addr)
	if err != nil {
		return api.MarketBalance{}, xerrors.Errorf("getting escrow balance: %w", err)
	}

	lt, err := mstate.LockedTable()
	if err != nil {
		return api.MarketBalance{}, err
	}
	out.Locked, err = lt.Get(addr)
	if err != nil {
		return api.MarketBalance{}, xerrors.Errorf("getting locked balance: %w", err)
	}

	return out, nil
}

// StateModule.StateMarketStorageDeal -> stmgr.GetStorageDeal
func (n *node) StateMarketStorageDeal(p params) (interface{}, error) {
	id, err := p.uint64(0, "deal id")
	if err != nil {
		return nil, err
	}
	dealID := abi.DealID(id)

	act, err := n.loadActor(market.Address)
	if err != nil {
		return nil, xerrors.Errorf("failed to load market actor: %w", err)
	}

	st, err := market.Load(n.actorStore(), act)
	if err != nil {
		return nil, xerrors.Errorf("failed to load market actor state: %w", err)
	}

	proposals, err := st.Proposals()
	if err != nil {
		return nil, xerrors.Errorf("failed to get proposals from state : %w", err)
	}

	proposal, found, err := proposals.Get(dealID)

	if err != nil {
		return nil, xerrors.Errorf("failed to get proposal : %w", err)
	} else if !found {
		return nil, xerrors.Errorf(
			"deal %d not found "+
				"- deal may not have completed sealing before deal proposal "+
				"start epoch, or deal may have been slashed",
			dealID)
	}

	states, err := st.States()
	if err != nil {
		return nil, xerrors.Errorf("failed to get states : %w", err)
	}

	ds, found, err := states.Get(dealID)
	if err != nil {
		return nil, xerrors.Errorf("failed to get state : %w", err)
	}

	if !found {
		ds = market.EmptyDealState()
	}

	return &api.MarketDeal{
		Proposal: *proposal,
		State:    api.MakeDealState(ds),
	}, nil
}

// StateAPI.StateVerifierStatus
func (n *node) StateVerifierStatus(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(verifreg.Address)
	if err != nil {
		return nil, err
	}

	aid, err := n.stateLookupID(addr)
	if err != nil {
		return nil, err
	}

	vrs, err := verifreg.Load(n.actorStore(), act)
	if err != nil {
		return nil, xerrors.Errorf("failed to load verified registry state: %w", err)
	}

	verified, dcap, err := vrs.VerifierDataCap(aid)
	if err != nil {
		return nil, xerrors.Errorf("looking up verifier: %w", err)
	}
	if !verified {
		return nil, nil
	}

	return &dcap, nil
}

// StateModule.StateVerifiedClientStatus. Lotus picks the verifreg (actors <= 8)
// or datacap (actors >= 9) path from actorstypes.VersionForNetwork(nv) at the
// tipset; without a tipset this uses the actors version of the verified
// registry actor's code in the given state, which is the same thing for any
// state produced by a network running that version.
func (n *node) StateVerifiedClientStatus(p params) (interface{}, error) {
	addr, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	aid, err := n.stateLookupID(addr)
	if err != nil {
		return nil, err
	}

	vact, err := n.loadActor(verifreg.Address)
	if err != nil {
		return nil, err
	}
	av, err := actorVersionForCode(vact.Code)
	if err != nil {
		return nil, err
	}

	var dcap abi.StoragePower
	var verified bool
	if av <= 8 {
		vrs, err := verifreg.Load(n.actorStore(), vact)
		if err != nil {
			return nil, xerrors.Errorf("failed to load verified registry state: %w", err)
		}

		verified, dcap, err = vrs.VerifiedClientDataCap(aid)
		if err != nil {
			return nil, xerrors.Errorf("looking up verified client: %w", err)
		}
	} else {
		act, err := n.loadActor(datacap.Address)
		if err != nil {
			return nil, err
		}

		dcs, err := datacap.Load(n.actorStore(), act)
		if err != nil {
			return nil, xerrors.Errorf("failed to load datacap actor state: %w", err)
		}

		verified, dcap, err = dcs.VerifiedClientDataCap(aid)
		if err != nil {
			return nil, xerrors.Errorf("looking up verified client: %w", err)
		}
	}

	if !verified {
		return nil, nil
	}

	return &dcap, nil
}

// StateAPI.StateReadState (vm.DumpActorState with consensus.NewActorRegistry)
func (n *node) StateReadState(p params) (interface{}, error) {
	actor, err := p.addr(0)
	if err != nil {
		return nil, err
	}
	act, err := n.loadActor(actor)
	if err != nil {
		return nil, xerrors.Errorf("getting actor: %w", err)
	}

	blk, err := n.bs.Get(n.ctx, act.Head)
	if err != nil {
		return nil, xerrors.Errorf("getting actor head: %w", err)
	}

	oif, err := dumpActorState(newActorRegistry(), act, blk.RawData())
	if err != nil {
		return nil, xerrors.Errorf("dumping actor state (a:%s): %w", actor, err)
	}

	return &api.ActorState{
		Balance: act.Balance,
		Code:    act.Code,
		State:   oif,
	}, nil
}
