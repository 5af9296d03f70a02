// Azure's documented throttling limits (azure-wire.md §4.6): Compute (CRP) policies per resource and
// per subscription, and ARM's front-door buckets per subscription.

/** A throttling policy's bucket as Azure describes it: size (burst) and refill rate. */
export interface BucketLimit {
  /** Bucket size (burst). */
  readonly max: number;
  /** Tokens added per minute. */
  readonly refillPerMinute: number;
}

export type PolicyGroup =
  | 'PutVM'
  | 'UpdateVM'
  | 'LowCostGetVM'
  | 'HighCostGetVM'
  | 'PutVMScaleSet'
  | 'UpdateVMScaleSet'
  | 'LowCostGetVMScaleSet'
  | 'HighCostGetVMScaleSet'
  | 'GetOperation';

export interface GroupLimits {
  readonly resource?: BucketLimit;
  readonly subscription: BucketLimit;
}

const b = (refillPerMinute: number, max: number): BucketLimit => ({ refillPerMinute, max });

export const CRP_LIMITS: Readonly<Record<PolicyGroup, GroupLimits>> = {
  PutVM: { resource: b(4, 12), subscription: b(500, 1500) },
  UpdateVM: { resource: b(4, 12), subscription: b(500, 1500) },
  LowCostGetVM: { resource: b(12, 36), subscription: b(8000, 24000) },
  HighCostGetVM: { subscription: b(300, 900) },
  PutVMScaleSet: { resource: b(4, 12), subscription: b(125, 375) },
  UpdateVMScaleSet: { resource: b(4, 12), subscription: b(500, 1500) },
  LowCostGetVMScaleSet: { resource: b(12, 36), subscription: b(800, 2400) },
  HighCostGetVMScaleSet: { resource: b(10, 30), subscription: b(360, 1080) },
  GetOperation: { resource: b(15, 45), subscription: b(5000, 15000) },
};

/** ARM front door since 2024: per subscription, reads 250 burst + 25/s, writes 200 burst + 10/s. */
export const ARM_LIMITS: Readonly<{ reads: BucketLimit; writes: BucketLimit }> = {
  reads: b(25 * 60, 250),
  writes: b(10 * 60, 200),
};

export type LimitOverrides = Partial<Record<PolicyGroup, Partial<GroupLimits>>> & {
  armReads?: BucketLimit;
  armWrites?: BucketLimit;
};
