/** Policy versions: the published ones in DynamoDB on top of the stage's baseline. */
import { runtimeConfig, tableName } from '../../config';
import { baselinePolicy } from '../../policy-config';
import { documentClient } from '../dynamodb';
import { cachedPolicies, DynamoPolicyStore } from '../policy-store';

export const policyStore = () => new DynamoPolicyStore(documentClient(), tableName('policies'));

/**
 * Policy versions, cached per container (POLICY_CACHE_SECONDS), so a newly effective version
 * reaches every storefront page within that time. Staff routes pass 0.
 */
export const policyCatalogue = (ttlMs = runtimeConfig().POLICY_CACHE_SECONDS * 1000) => cachedPolicies(policyStore(), baselinePolicy(), ttlMs);
