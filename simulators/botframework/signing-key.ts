// One key implementation for every stand-in that signs tokens: the local Entra authority's.
export {
  createSigningKeys as createSigningKey,
  type SigningKeys as SigningKey,
} from '../entra/signing-keys';
