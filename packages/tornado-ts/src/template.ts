// `tornado-ts/template`: everything of @tornado-ts/template.
export * from '@tornado-ts/template';
