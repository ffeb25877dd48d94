/**
 * The methods of Lotus's Gateway API, the public-endpoint surface this project is
 * measured against: `api/api_gateway.go` (v1) and `api/v0api/gateway.go` (v0) of
 * filecoin-project/lotus at commit b835fab702ebce57abd7e6d0c3326bbd1e18c008 (and
 * `api/v2api/gateway.go` for v2), method
 * names as the interfaces declare them (called as `Filecoin.<name>`; eth aliases
 * come from `api/eth_aliases.go`). Transcribed data, not code.
 */

/** The v1 Gateway's methods (111). */
export const LOTUS_GATEWAY_V1: readonly string[] = [
  'ChainGetBlock', 'ChainGetBlockMessages', 'ChainGetEvents', 'ChainGetFinalizedTipSet', 'ChainGetGenesis',
  'ChainGetMessage', 'ChainGetMessagesInTipset', 'ChainGetParentMessages', 'ChainGetParentReceipts',
  'ChainGetPath', 'ChainGetTipSet', 'ChainGetTipSetAfterHeight', 'ChainGetTipSetByHeight', 'ChainHasObj',
  'ChainHead', 'ChainNotify', 'ChainPutObj', 'ChainReadObj', 'Discover', 'EthAccounts',
  'EthAddressToFilecoinAddress', 'EthBaseFee', 'EthBlockNumber', 'EthCall', 'EthChainId', 'EthEstimateGas',
  'EthFeeHistory', 'EthGasPrice', 'EthGetBalance', 'EthGetBlockByHash', 'EthGetBlockByNumber',
  'EthGetBlockReceipts', 'EthGetBlockTransactionCountByHash', 'EthGetBlockTransactionCountByNumber',
  'EthGetCode', 'EthGetFilterChanges', 'EthGetFilterLogs', 'EthGetLogs', 'EthGetMessageCidByTransactionHash',
  'EthGetStorageAt', 'EthGetTransactionByBlockHashAndIndex', 'EthGetTransactionByBlockNumberAndIndex',
  'EthGetTransactionByHash', 'EthGetTransactionCount', 'EthGetTransactionHashByCid',
  'EthGetTransactionReceipt', 'EthMaxPriorityFeePerGas', 'EthNewBlockFilter', 'EthNewFilter',
  'EthNewPendingTransactionFilter', 'EthProtocolVersion', 'EthSendRawTransaction', 'EthSubscribe',
  'EthSyncing', 'EthTraceBlock', 'EthTraceFilter', 'EthTraceReplayBlockTransactions', 'EthTraceTransaction',
  'EthUninstallFilter', 'EthUnsubscribe', 'F3GetCertificate', 'F3GetLatestCertificate',
  'F3GetPowerTableByInstance', 'FilecoinAddressToEthAddress', 'GasEstimateGasPremium',
  'GasEstimateMessageGas', 'GetActorEventsRaw', 'MinerGetBaseInfo', 'MpoolGetNonce', 'MpoolPending',
  'MpoolPush', 'MsigGetAvailableBalance', 'MsigGetPending', 'MsigGetVested', 'MsigGetVestingSchedule',
  'NetListening', 'NetVersion', 'StateAccountKey', 'StateCall', 'StateDealProviderCollateralBounds',
  'StateDecodeParams', 'StateGetActor', 'StateGetAllocation', 'StateGetAllocationForPendingDeal',
  'StateGetAllocations', 'StateGetClaim', 'StateGetClaims', 'StateGetNetworkParams',
  'StateGetRandomnessDigestFromBeacon', 'StateListMiners', 'StateLookupID', 'StateMarketBalance',
  'StateMarketStorageDeal', 'StateMinerDeadlines', 'StateMinerInfo', 'StateMinerPower',
  'StateMinerProvingDeadline', 'StateMinerSectorCount', 'StateNetworkName', 'StateNetworkVersion',
  'StateReadState', 'StateReplay', 'StateSearchMsg', 'StateSectorGetInfo', 'StateVerifiedClientStatus',
  'StateVerifierStatus', 'StateWaitMsg', 'SubscribeActorEventsRaw', 'Version', 'WalletBalance',
  'Web3ClientVersion',
];

/** The v0 Gateway's methods (47). */
export const LOTUS_GATEWAY_V0: readonly string[] = [
  'ChainGetBlock', 'ChainGetBlockMessages', 'ChainGetMessage', 'ChainGetTipSet', 'ChainGetTipSetByHeight',
  'ChainHasObj', 'ChainHead', 'ChainNotify', 'ChainPutObj', 'ChainReadObj', 'GasEstimateGasPremium',
  'GasEstimateMessageGas', 'MinerGetBaseInfo', 'MpoolGetNonce', 'MpoolPending', 'MpoolPush',
  'MsigGetAvailableBalance', 'MsigGetPending', 'MsigGetVested', 'StateAccountKey', 'StateCall',
  'StateDealProviderCollateralBounds', 'StateDecodeParams', 'StateGetActor', 'StateGetAllocation',
  'StateGetAllocationForPendingDeal', 'StateGetAllocations', 'StateGetClaim', 'StateGetClaims',
  'StateGetReceipt', 'StateListMiners', 'StateLookupID', 'StateMarketBalance', 'StateMarketStorageDeal',
  'StateMinerInfo', 'StateMinerPower', 'StateMinerProvingDeadline', 'StateMinerSectorCount',
  'StateNetworkName', 'StateNetworkVersion', 'StateReplay', 'StateSearchMsg', 'StateSectorGetInfo',
  'StateVerifiedClientStatus', 'StateWaitMsg', 'Version', 'WalletBalance',
];

/** The v2 Gateway's methods (50). */
export const LOTUS_GATEWAY_V2: readonly string[] = [
  'ChainGetTipSet', 'ChainGetTipSetFinalityStatus', 'Discover', 'EthAccounts', 'EthAddressToFilecoinAddress', 'EthBaseFee',
  'EthBlockNumber', 'EthCall', 'EthChainId', 'EthEstimateGas', 'EthFeeHistory', 'EthGasPrice', 'EthGetBalance',
  'EthGetBlockByHash', 'EthGetBlockByNumber', 'EthGetBlockReceipts', 'EthGetBlockTransactionCountByHash',
  'EthGetBlockTransactionCountByNumber', 'EthGetCode', 'EthGetFilterChanges', 'EthGetFilterLogs', 'EthGetLogs',
  'EthGetMessageCidByTransactionHash', 'EthGetStorageAt', 'EthGetTransactionByBlockHashAndIndex',
  'EthGetTransactionByBlockNumberAndIndex', 'EthGetTransactionByHash', 'EthGetTransactionCount', 'EthGetTransactionHashByCid',
  'EthGetTransactionReceipt', 'EthMaxPriorityFeePerGas', 'EthNewBlockFilter', 'EthNewFilter', 'EthNewPendingTransactionFilter',
  'EthProtocolVersion', 'EthSendRawTransaction', 'EthSubscribe', 'EthSyncing', 'EthTraceBlock', 'EthTraceFilter',
  'EthTraceReplayBlockTransactions', 'EthTraceTransaction', 'EthUninstallFilter', 'EthUnsubscribe',
  'FilecoinAddressToEthAddress', 'NetListening', 'NetVersion', 'StateGetActor', 'StateGetID', 'Web3ClientVersion',
];
