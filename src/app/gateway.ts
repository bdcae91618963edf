import { hostname as osHostname } from 'node:os';
import { containmentAuditor, startAdminIfEnabled, watchEvents } from '../admin/server.js';
import type { LoadedConfig } from '../cli/context.js';
import { resolvePath } from '../config/load.js';
import { startCluster, type Cluster } from '../cluster/index.js';
import { DeliveryWorker } from '../delivery/worker.js';
import { Containment } from '../incidents/containment.js';
import { PlaceAlerts } from '../incidents/place-alerts.js';
import { freeBytes, RetentionJob } from '../storage/retention.js';
import { notifierFor } from '../incidents/notify/notifier.js';
import { DecisionFollower } from '../incidents/follower.js';
import { startBounceService, type BounceService } from '../bounces/service.js';
import { suppressAfterBounce, suppresses, suppressionCheck } from '../bounces/suppression.js';
import { bounceFromDelivery, LivePolicy } from '../incidents/live-policy.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { loadTls, SubmissionService, type Listener } from '../smtp/server.js';
import type { Store } from '../storage/ports/index.js';
import { createAppPasswordVerifier } from './app-passwords.js';
import { createGuard, credentialOptions, loginSignals } from './guard.js';
import { openStore, sqliteDirectory } from './open-store.js';
import { dkimSigner, returnPaths } from './outbound.js';
import { Pipeline } from './pipeline.js';
import { recoverLocalLeases } from './recover-leases.js';

export interface Gateway {
  store: Store;
  logger: Logger;
  listeners: Listener[];
  policy: LivePolicy;
  submission: SubmissionService;
  delivery: DeliveryWorker;
  /** Multi-node mode (Redis); passes everything through on a single node. */
  cluster: Cluster;
  /** The bounce receiver, when `bounces.enabled`. */
  bounces: BounceService | null;
  /** Port of the console/API/metrics server; null when disabled or it could not listen. */
  adminPort: number | null;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** DNS for MX delivery; the system resolver by default (tests inject a local one). */
  resolver?: ConstructorParameters<typeof DeliveryWorker>[0]['resolver'];
  logger?: Logger;
  /** Lease owner name; unique per node. */
  nodeId?: string;
}

/**
 * The composition root: opens the store, wires each stage to its ports, and starts the
 * listeners and the delivery worker. `stop()` drains: sessions in flight finish, leases of
 * unfinished deliveries are released, the store is closed last.
 */
export async function startGateway(config: LoadedConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.log.level);
  const opened = await openStore(config.store, config.configDir);
  // Counts every event appended, through whichever writer (this node's, the cluster policy's).
  // The embedded store's directory, whose file system's free space is watched (retention.warnFreeMb).
  const storeDir = sqliteDirectory(config.store, config.configDir);
  const metrics = watchEvents(opened, storeDir ? () => freeBytes(storeDir) : undefined);
  const tls = loadTls({ key: resolvePath(config, config.tls.key), cert: resolvePath(config, config.tls.cert) });
  const live: { submission?: SubmissionService } = {};
  const cluster = await startCluster({ redis: config.redis, detection: config.detection, guard: config.auth.guard, store: opened, logger });
  // In a cluster each event this node records carries its name (the other nodes learn from them).
  const store = cluster.recording(opened);
  const notifier = notifierFor(config, store, logger);
  const containment = new Containment(
    store,
    { closeSessionsOf: (a) => live.submission?.closeSessionsOf(a) ?? 0, audit: containmentAuditor(store), alert: async (change, evidence) => void (await notifier.notify(change, evidence)) },
    logger,
  );
  const places = new PlaceAlerts({ store, logger, notify: (f) => notifier.place(f), claim: cluster.claimRise, shareId: cluster.shareId, shadow: config.detection.shadow });
  notifier.fold = (f) => places.fold(f);
  const policy = new LivePolicy(
    config.detection,
    (change) => (cluster.announce(change), containment.apply(change)),
    logger,
    (change) => void store.events.append({ ts: change.ts, code: `incident:shadow-${change.state}`, account: change.account, data: { reasons: change.reasons } }),
    cluster.claim,
    (finding, learnt) => (learnt ? places.noted(finding) : places.found(finding)),
  );
  const warmed = await policy.warm(store, config.detection.profile.windowDays);
  const localGuard = createGuard(config, (e) => (cluster.shareBan(e), void store.events.append({ ts: new Date(e.ts).toISOString(), code: e.code, account: e.account ?? null, data: { ...e } })));
  await localGuard.follow(store, logger);
  const logins = loginSignals(config, store, logger);
  await logins.warm(store, config.detection.profile.windowDays);
  const pipeline = new Pipeline({
    store,
    logger,
    policy,
    guard: cluster.wrapGuard(localGuard),
    appPasswords: createAppPasswordVerifier(config, store),
    credentials: credentialOptions(config),
    logins,
    lifetimeHours: config.delivery.lifetimeHours,
    checkRecipient: suppressionCheck(store, logger),
  });
  const submission = new SubmissionService(config, cluster.wrapPorts(pipeline, policy, (ip) => logins.locate(ip)), logger, tls);
  live.submission = submission;
  const listeners = await submission.start();
  const bounces = config.bounces.enabled
    ? await startBounceService({ config: config.bounces, hostname: config.hostname, store, policy, tls, logger })
    : null;
  if (bounces) listeners.push({ name: 'bounce', port: bounces.port });
  const follower = new DecisionFollower(store, policy, (a) => submission.closeSessionsOf(a), logger, 500, (a) => cluster.forgetClaim(a));
  await follower.start();
  await cluster.follow({ policy, closeSessionsOf: (a) => submission.closeSessionsOf(a) });
  await cluster.learnFromPeers(policy, { logins, guard: localGuard, places });
  const admin = await startAdminIfEnabled({ config, store, logger, policy, metrics, storeFree: storeDir ? () => freeBytes(storeDir) : undefined });
  const owner = options.nodeId ?? `${osHostname()}:${process.pid}`;
  const recovered = await recoverLocalLeases(store, owner);
  const delivery = new DeliveryWorker({
    queue: store.queue,
    config: { ...config.delivery, heloName: config.delivery.heloName || config.hostname },
    resolver: options.resolver,
    sign: dkimSigner(config, logger),
    returnPath: returnPaths(config),
    suppressed: (address) => store.suppression.get(address),
    owner,
    onEvent: (e) => {
      // A recipient refused by the remote side is a bounce too: the detection engine counts it.
      const bounce = bounceFromDelivery(e);
      if (bounce) policy.observe(bounce);
      // ...and an address the remote side says does not exist is not tried again.
      if (bounce && suppresses({ status: bounce.status, reason: bounce.reason ?? '', action: 'failed' })) {
        void suppressAfterBounce(store, bounce.rcpt, { status: bounce.status, reason: bounce.reason ?? '' }, String(e.data.queueId), e.ts).catch((err) => logger.error({ err }, 'suppression not recorded'));
      }
      void store.events.append(e).catch((err) => logger.error({ err }, 'delivery event lost'));
    },
  });
  delivery.start();
  const retention = new RetentionJob(store, config.retention, logger, Date.now, storeDir ? () => freeBytes(storeDir) : undefined, (f) => notifier.heldExpired(f));
  retention.start();
  logger.info({ listeners, warmedEvents: warmed, recoveredLeases: recovered, store: store.backend, node: cluster.node }, 'gateway started');
  return {
    store,
    logger,
    listeners,
    policy,
    submission,
    delivery,
    cluster,
    bounces,
    adminPort: admin?.port ?? null,
    async stop() {
      await admin?.close();
      follower.stop();
      localGuard.stop();
      await submission.stop();
      await bounces?.stop();
      await delivery.stop();
      await policy.settled();
      places.stop();
      await places.settled();
      await cluster.stop();
      await retention.stop();
      await store.close();
    },
  };
}
