/** The parts of a CloudFormation template the plugin reads and writes. */
export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
}

export const resourcesOfType = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** Adds resources, refusing to replace one the template already has under the same logical id. */
export const addResources = (template: Template, resources: Record<string, Resource>): void => {
  for (const [id, resource] of Object.entries(resources)) {
    if (id in template.Resources) throw new Error(`sls-ops: the template already has a resource ${id}`);
    template.Resources[id] = resource;
  }
};
