// Decree 30 document model: types, levels, ký hiệu builder and schemas.
export * from './doctypes';
export * from './levels';
export * from './kyhieu';
export * from './schemas';
