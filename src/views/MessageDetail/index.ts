export { MessageDetail } from './MessageDetail.tsx';
export type { DataTab, MessageDetailProps } from './types.ts';
export { parseSdp, type ParsedSdp, type SdpMediaSection, type SdpParseResult } from './sdp.ts';
export { diffSdp, type SdpDiff } from './sdpDiff.ts';
export { counterpartSdp, previousSdp, sdpOfEvent, type SdpRef } from './sdpLocate.ts';
export { mediasoupBlocks, type RtpBlock } from './rtp.ts';
