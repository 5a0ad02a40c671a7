// Package uc is the unified-communications workload of dctwin: phones, soft clients and
// room systems in user groups place calls through an IP-PBX; the calls load the
// data-center network with their media streams, and the model tells from what those
// streams saw whether each call was blocked, failed to set up, dropped or completed, and
// what its quality was by the ITU-T G.107 E-model (package workloads/emodel).
//
// The model runs on the sim kernel with callbacks and timers only (no processes): a
// busy-hour load of hundreds of simultaneous calls must stay cheap. It sees the network
// only through the small Network interface, so the same model runs on the flow-level
// network runtime of the twin and on the scripted fake of package uctest.
//
// Where a number comes from is cited as "reference-facts N" (the project's
// reference-facts.md, section N): section 2 for codecs, 3 for delay budgets, 9 for call
// traffic and signalling timers, 10 for video.
//
// What the model assumes, and why:
//   - The PBX carries signalling only. Media flows directly between the endpoints of an
//     internal call, and between an endpoint and a server (media gateway, voicemail,
//     conference bridge) for calls that terminate there. A peer-to-peer call therefore
//     survives the loss of its PBX, while a call anchored on a server dies with the server
//     and, unless a cluster peer takes over, with the PBX that controls the server.
//   - Capacity limits (PBX channels, trunk channels of the gateway, voicemail and
//     conference ports) are loss systems: a call that finds them full is blocked at
//     once, so the blocking follows Erlang B (reference-facts 9).
//   - Phones are busy while in a call, as on a real PBX: a call to a phone in a call is
//     refused as busy (CallBusy), and a phone in a call places no other. An endpoint
//     node may stand for many phones (UserGroup.Stations, a floor behind one access
//     switch); its phones are busy one by one. With few phones a group is an Engset
//     source; with many (or calls to the trunk from many) its blocking is Erlang B's.
//   - A run starts in the middle of the busy hour: the calls in progress at t = 0 are
//     those of the loss system run to equilibrium before it, admitted by the same rules
//     as every call (see warmStart). They are not attempts.
//   - Packet loss comes from the gaps in which a media stream does not deliver: a gap of
//     g at p packets per second loses round(g·p) packets in one burst. Each direction
//     of a call has its own listener; a call is as good as its worse direction.
//   - Call quality is rated twice: over the whole call (CallEnded and CallDropped carry
//     it, Stats averages it) and, every second, over the last 8 s (the interval MOS, as
//     Cisco phones rate MOS LQK: the MOS time series, the lowest MOS of a call, and the
//     degraded episodes, in which the interval MOS is under 3.6, the MOS of R = 70 where
//     G.109's "some users dissatisfied" ends, whether from loss or from delay). The
//     default codec is G.711 with packet-loss concealment, so a lost packet costs little.
//     A call whose streams deliver, with no gap in its interval, keeps its interval MOS
//     until one of them changes, and is not rated again until then (event-driven, so
//     that 10,000 calls in progress cost what their changes cost); a network whose
//     streams do not report path changes (DelayNotifier) has its calls rated every
//     second.
//   - A call whose one-way mouth-to-ear delay exceeds 150 ms (G.114, and the source
//     material's delay budget) counts as over the delay budget.
//
// Wiring, as the twin does it: build the network, then New(s, net, cfg); register an
// observer on s for the records (CallAttempt, CallBlocked, CallBusy, CallFailedSetup,
// CallStarted, CallEnded, CallDropped, CallDegraded); call Start; tell the model of
// failed and repaired servers and PBX nodes with NodeFailed and NodeRepaired (the
// network tells it about media and reachability by itself); run; read Stats,
// CallsAffected for each failure's window, and Series for the MOS plot.
//
// A scenario's `calls.groups` entry maps onto UserGroup field by field (holding_time is
// Holding; stations is Stations; jitter_buffer: 60ms is JitterBuffer{Nominal: 60 *
// sim.Millisecond}; the pbx name needs no PBXs entry unless the PBX is a cluster or has
// a channel limit).
package uc
