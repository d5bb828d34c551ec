"""CloudFormation, locally: template.yaml read and its resources created in the emulators."""
