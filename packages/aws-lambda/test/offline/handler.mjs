// The conformance app as a Lambda handler, from the built packages (as a deployment bundles them).
import * as lambda from '@composio-webhooks/aws-lambda';
import * as testing from '@composio-webhooks/core/testing';
import { conformanceHandler } from '../support/app.mjs';

export const handler = conformanceHandler(lambda, testing);
